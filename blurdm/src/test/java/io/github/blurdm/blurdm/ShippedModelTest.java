package io.github.blurdm.blurdm;

import static io.github.blurdm.blurdm.MimoParityTest.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.weights.SafetensorsFile;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The models this repository ships (weights/models/: the README's default with the BlurDM prior, and the
 * same backbone trained without it) against the PyTorch reference on crops of the sample images
 * (weights/reference/make_shipped_fixture.py): prior rel-L2 <= 1e-5, backbone output <= 1e-4, the 8-bit
 * result within one level.
 */
class ShippedModelTest {
    static final String SHIPPED = "weights/models/blurdm-mimo-small.safetensors";

    /** A shipped weights file and its fixture. */
    record Shipped(String file, String fixture, boolean withPrior) {
    }

    static final List<Shipped> MODELS = List.of(
            new Shipped(SHIPPED, "cases.safetensors", true),
            new Shipped("weights/models/mimo-small-noprior.safetensors", "cases-noprior.safetensors", false));

    static Path shipped() {
        return shipped(SHIPPED);
    }

    static Path shipped(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("weights/models"))) {
            p = p.getParent();
        }
        assertNotNull(p, "weights/models not found above " + Path.of("").toAbsolutePath());
        Path file = p.resolve(relative);
        assertTrue(Files.isRegularFile(file), file + " is missing: the repository ships it");
        return file;
    }

    private static Path fixture(Shipped m) throws Exception {
        return Path.of(ShippedModelTest.class.getResource("/fixtures/shipped/" + m.fixture()).toURI());
    }

    @TestFactory
    Stream<DynamicTest> isSmallAndDescribesItself() {
        return MODELS.stream().map(m -> DynamicTest.dynamicTest(m.file(), () -> describes(m)));
    }

    private static void describes(Shipped m) throws Exception {
        Path file = shipped(m.file());
        assertTrue(Files.size(file) < 30L << 20, "under 30 MB: " + Files.size(file));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals("mimo_unet_blurdm", f.metadata().get("architecture"));
            JsonNode config = new ObjectMapper().readTree(f.metadata().get("config"));
            assertEquals(m.withPrior(), config.get("backbone").get("with_prior").asBoolean(), config.toString());
            assertNotNull(f.metadata().get("training"), "training progress recorded");
        }
        try (SafetensorsFile f = SafetensorsFile.open(fixture(m))) {
            assertEquals(f.metadata().get("weights_sha256"), sha256(file),
                    "the fixture was made for other weights: rerun weights/reference/make_shipped_fixture.py");
        }
    }

    @Test
    void allShippedModelsTogetherStayUnder30MB() throws Exception {
        long total = 0;
        for (Shipped m : MODELS) {
            total += Files.size(shipped(m.file()));
        }
        assertTrue(total < 30L << 20, "weights/models total " + total + " bytes");
    }

    @TestFactory
    Stream<DynamicTest> matchesTheReference() throws Exception {
        Stream.Builder<DynamicTest> tests = Stream.builder();
        for (Shipped m : MODELS) {
            JsonNode list;
            try (SafetensorsFile f = SafetensorsFile.open(fixture(m))) {
                list = new ObjectMapper().readTree(f.metadata().get("cases"));
            }
            for (JsonNode c : list) {
                String id = c.get("id").asText();
                tests.add(DynamicTest.dynamicTest(Path.of(m.file()).getFileName() + "(" + id + "=" + c.get("width")
                        + "x" + c.get("height") + ")", () -> check(m, id)));
            }
        }
        return tests.build();
    }

    private static void check(Shipped m, String id) throws Exception {
        try (CpuBackend cpu = new CpuBackend(2, true); SafetensorsFile f = SafetensorsFile.open(fixture(m))) {
            BlurdmModel model = BlurdmModel.load(shipped(m.file()), cpu);
            assertEquals(m.withPrior(), model.prior() != null, "prior present");
            Ops ops = new Ops(cpu);
            Tensor image = tensor(f, id + "/image");
            assertEquals(Origin.BLURDM, model.conventions().origin(), model.conventions().describe());
            Tensor x = model.conventions().conventions().normalise(image);
            x = ops.reflectPad(x, 0, (8 - x.dim(2) % 8) % 8, 0, (8 - x.dim(3) % 8) % 8);
            LatentExposureDiffusion.Noise noise = null;
            Tensor prior = null;
            String priorError = "(no prior)";
            if (m.withPrior()) {
                noise = LatentExposureDiffusion.Noise.of(tensor(f, id + "/noise"));
                prior = model.prior().sample(ops, x, noise, null);
                double ep = MimoParityTest.relL2(prior.data(), tensor(f, id + "/z_0").data());
                assertTrue(ep <= 1e-5, id + " prior: rel-L2 " + ep + " > 1e-5");
                priorError = String.format("%.2g", ep);
            }
            Tensor out = model.backbone().forward(ops, x, prior);
            double eo = MimoParityTest.relL2(out.data(), tensor(f, id + "/out1").data());
            assertTrue(eo <= 1e-4, id + " out1: rel-L2 " + eo + " > 1e-4");
            // the measured errors, for the model card (weights/models/README.md, "Engine parity")
            System.out.printf("ShippedModelTest %s %s: prior rel-L2 %s, out1 rel-L2 %.2g%n",
                    m.file(), id, priorError, eo);
            MimoParityTest.assertWithinOneLevel(id,
                    DeblurPipeline.deblur(ops, model.backbone(), model.prior(), model.conventions().conventions(), image,
                            noise).data(),
                    tensor(f, id + "/result").data());
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

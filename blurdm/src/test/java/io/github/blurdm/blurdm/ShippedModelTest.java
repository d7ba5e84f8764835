package io.github.blurdm.blurdm;

import static io.github.blurdm.blurdm.MimoParityTest.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.pipeline.MimoPipeline;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The model this repository ships (weights/models/, the README's default) against the PyTorch reference on
 * crops of the sample images (weights/reference/make_shipped_fixture.py): prior rel-L2 <= 1e-5, backbone
 * output <= 1e-4, the 8-bit result within one level.
 */
class ShippedModelTest {
    static final String SHIPPED = "weights/models/blurdm-mimo-small.safetensors";

    static Path shipped() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("weights/models"))) {
            p = p.getParent();
        }
        assertNotNull(p, "weights/models not found above " + Path.of("").toAbsolutePath());
        Path file = p.resolve(SHIPPED);
        assertTrue(Files.isRegularFile(file), file + " is missing: the repository ships it");
        return file;
    }

    private static Path fixture() throws Exception {
        return Path.of(ShippedModelTest.class.getResource("/fixtures/shipped/cases.safetensors").toURI());
    }

    @Test
    void isSmallAndDescribesItself() throws Exception {
        Path file = shipped();
        assertTrue(Files.size(file) < 30L << 20, "under 30 MB: " + Files.size(file));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals("mimo_unet_blurdm", f.metadata().get("architecture"));
            JsonNode config = new ObjectMapper().readTree(f.metadata().get("config"));
            assertTrue(config.get("backbone").get("with_prior").asBoolean(), config.toString());
            assertNotNull(f.metadata().get("training"), "training progress recorded");
        }
        try (SafetensorsFile f = SafetensorsFile.open(fixture())) {
            assertEquals(f.metadata().get("weights_sha256"), sha256(file),
                    "the fixture was made for other weights: rerun weights/reference/make_shipped_fixture.py");
        }
    }

    @TestFactory
    Stream<DynamicTest> matchesTheReference() throws Exception {
        JsonNode list;
        try (SafetensorsFile f = SafetensorsFile.open(fixture())) {
            list = new ObjectMapper().readTree(f.metadata().get("cases"));
        }
        Stream.Builder<DynamicTest> tests = Stream.builder();
        for (JsonNode c : list) {
            String id = c.get("id").asText();
            tests.add(DynamicTest.dynamicTest("shipped(" + id + "=" + c.get("width") + "x" + c.get("height") + ")",
                    () -> check(id)));
        }
        return tests.build();
    }

    private void check(String id) throws Exception {
        try (CpuBackend cpu = new CpuBackend(2, true); SafetensorsFile f = SafetensorsFile.open(fixture())) {
            BlurdmModel model = BlurdmModel.load(shipped(), cpu);
            Ops ops = new Ops(cpu);
            Tensor image = tensor(f, id + "/image");
            LatentExposureDiffusion.Noise noise = LatentExposureDiffusion.Noise.of(tensor(f, id + "/noise"));
            Tensor x = MimoPipeline.normalise(image);
            x = ops.reflectPad(x, 0, (8 - x.dim(2) % 8) % 8, 0, (8 - x.dim(3) % 8) % 8);
            Tensor prior = model.prior().sample(ops, x, noise, null);
            double ep = MimoParityTest.relL2(prior.data(), tensor(f, id + "/z_0").data());
            assertTrue(ep <= 1e-5, id + " prior: rel-L2 " + ep + " > 1e-5");
            Tensor out = model.backbone().forward(ops, x, prior, null);
            double eo = MimoParityTest.relL2(out.data(), tensor(f, id + "/out1").data());
            assertTrue(eo <= 1e-4, id + " out1: rel-L2 " + eo + " > 1e-4");
            MimoParityTest.assertWithinOneLevel(id,
                    MimoPipeline.deblur(ops, model.backbone(), model.prior(), image, noise).data(),
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

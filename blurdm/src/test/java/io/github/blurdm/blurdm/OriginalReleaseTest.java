package io.github.blurdm.blurdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.SafetensorsWriter;
import io.github.blurdm.weights.StateDict;
import io.github.blurdm.weights.WeightsException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Original MIMO-UNet releases run as the authors' eval.py, BlurDM files as BlurDM's scripts
 * (weights/reference/make_original_fixtures.py: small stand-ins saved as chosj95/MIMO-UNet saves them,
 * legacy and zip, storages tagged cuda:0; images whose sides are multiples of 8, of 4 only, and neither).
 * The 8-bit results must be within one level of the reference, at most 1 in 1000 values off by one.
 */
class OriginalReleaseTest {
    static Path fixture(String name) throws Exception {
        return Path.of(OriginalReleaseTest.class.getResource("/fixtures/mimo_original/" + name).toURI());
    }

    /** A weights file, the conventions it must get, and the fixture results it must give. */
    record Case(String file, Origin origin, String reasonPart, String results) {
    }

    static final Case[] FILES = {
        new Case("MIMO-UNetPlus-small.pkl", Origin.ORIGINAL_RELEASE, "layout {'model': ...}, no prior keys", "plus"),
        new Case("MIMO-UNetPlus-small.zip.pkl", Origin.ORIGINAL_RELEASE, "layout {'model': ...}, no prior keys", "plus"),
        new Case("MIMO-UNet-small.pkl", Origin.ORIGINAL_RELEASE, "layout {'model': ...}, no prior keys", "base"),
        new Case("blurdm-layout.pth", Origin.BLURDM, "BlurDM training code, layout {'model_state': ...}", "blurdm"),
    };

    @TestFactory
    Stream<DynamicTest> eachFileRunsWithItsOriginsConventions() throws Exception {
        JsonNode cases;
        try (SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            cases = new ObjectMapper().readTree(f.metadata().get("cases"));
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode c : cases) {
            ids.add(c.get("case").asText());
        }
        Stream.Builder<DynamicTest> tests = Stream.builder();
        for (Case c : FILES) {
            tests.add(DynamicTest.dynamicTest(c.file() + " -> " + c.origin(), () -> check(c, ids, null, c.results())));
        }
        // the override: the same weights under the other origin's conventions give that origin's images
        tests.add(DynamicTest.dynamicTest("MIMO-UNetPlus-small.pkl --conventions blurdm", () -> check(
                new Case("MIMO-UNetPlus-small.pkl", Origin.BLURDM, "set explicitly (the file alone gives original", null),
                ids, Origin.BLURDM, "blurdm")));
        tests.add(DynamicTest.dynamicTest("blurdm-layout.pth --conventions original", () -> check(
                new Case("blurdm-layout.pth", Origin.ORIGINAL_RELEASE, "set explicitly (the file alone gives blurdm", null),
                ids, Origin.ORIGINAL_RELEASE, "plus")));
        return tests.build();
    }

    private static void check(Case c, Set<String> ids, Origin override, String results) throws Exception {
        try (CpuBackend cpu = new CpuBackend(2, true);
             SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            BlurdmModel m = BlurdmModel.load(fixture(c.file()), null, cpu, override);
            ConventionChoice choice = m.conventions();
            assertEquals(c.origin(), choice.origin(), choice.describe());
            assertTrue(choice.reason().contains(c.reasonPart()), choice.reason());
            assertEquals(override != null, choice.explicit());
            assertTrue(m.prior() == null);
            Ops ops = new Ops(cpu);
            for (String id : ids) {
                Tensor image = MimoParityTest.tensor(f, id + "/image");
                Tensor got = DeblurPipeline.deblur(ops, m.backbone(), null, choice.conventions(), image, null);
                float[] want = MimoParityTest.tensor(f, results + "/" + id + "/result").data();
                String what = c.file() + (override == null ? "" : " as " + override) + " " + id + " ("
                        + image.dim(1) + "x" + image.dim(0) + ")";
                System.out.printf("OriginalReleaseTest %s: max |engine - reference| %d levels, %d of %d values differ%n",
                        what, maxDiff(got.data(), want), differing(got.data(), want), want.length);
                MimoParityTest.assertWithinOneLevel(what, got.data(), want);
            }
        }
    }

    /** The network itself on the eval.py input (v/255, unpadded at multiples of 4): rel-L2 <= 1e-4. */
    @Test
    void theBackboneMatchesOnTheOriginalInput() throws Exception {
        try (CpuBackend cpu = new CpuBackend(2, true);
             SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            BlurdmModel m = BlurdmModel.load(fixture("MIMO-UNetPlus-small.zip.pkl"), cpu);
            Tensor image = MimoParityTest.tensor(f, "m4/image");
            Tensor x = m.conventions().conventions().normalise(image);
            assertEquals(28, x.dim(2), "28x36: a multiple of 4, so not padded");
            Tensor out = m.backbone().forward(new Ops(cpu), x, null);
            double e = MimoParityTest.relL2(out.data(), MimoParityTest.tensor(f, "plus/m4/out1").data());
            assertTrue(e <= 1e-4, "out1 rel-L2 " + e);
        }
    }

    /** Legacy and zip files, both tagged cuda:0, are one and the same model. */
    @Test
    void legacyAndZipFilesGiveTheSameImage() throws Exception {
        try (CpuBackend cpu = new CpuBackend(2, true);
             SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            Tensor image = MimoParityTest.tensor(f, "odd/image");
            float[][] r = new float[2][];
            String[] files = {"MIMO-UNetPlus-small.pkl", "MIMO-UNetPlus-small.zip.pkl"};
            for (int i = 0; i < 2; i++) {
                BlurdmModel m = BlurdmModel.load(fixture(files[i]), cpu);
                r[i] = DeblurPipeline.deblur(new Ops(cpu), m.backbone(), null, m.conventions().conventions(), image, null)
                        .data();
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(r[0], r[1]);
        }
    }

    /** The other layouts: a bare state dict without prior keys is an original release; BlurDM's are BlurDM's. */
    @Test
    void otherLayoutsAreClassifiedAndSaySo() throws Exception {
        ConventionChoice bare = BlurdmModel.conventionsOf(MimoParityTest.fixture("plain_mimo_unet.pth"), null)
                .orElseThrow();
        assertEquals(Origin.ORIGINAL_RELEASE, bare.origin());
        assertTrue(bare.reason().contains("a bare state dict, no prior keys"), bare.reason());
        ConventionChoice stage3 = BlurdmModel.conventionsOf(MimoParityTest.fixture("official_stage3.pth"), null)
                .orElseThrow();
        assertEquals(Origin.BLURDM, stage3.origin());
        assertTrue(stage3.reason().contains("{'model_state': ..., 'model_dm_state': ...}"), stage3.reason());
        ConventionChoice engine = BlurdmModel.conventionsOf(MimoParityTest.fixture("model.safetensors"), null)
                .orElseThrow();
        assertEquals(Origin.BLURDM, engine.origin());
        assertTrue(engine.reason().contains("this engine's own weights file"), engine.reason());
        assertTrue(engine.describe().startsWith("conventions blurdm (as BlurDM's MIMO-UNet deblur_predict.py: "
                + "v/255 - 0.5;"), engine.describe());
        ConventionChoice plus = BlurdmModel.conventionsOf(fixture("MIMO-UNetPlus-small.pkl"), null).orElseThrow();
        assertTrue(plus.describe().startsWith("conventions original (as chosj95/MIMO-UNet eval.py: v/255;"),
                plus.describe());
        assertTrue(plus.reason().startsWith("an original MIMO-UNet (base 4, 2 ResBlocks) release"), plus.reason());
        assertFalse(plus.explicit());
    }

    /** A recorded origin the engine does not know is refused, naming the file, the key and what is allowed. */
    @Test
    void anUnknownRecordedOriginIsRefused(@TempDir Path dir) throws Exception {
        StateDict sd = StateDict.load(fixture("MIMO-UNetPlus-small.zip.pkl"), "model");
        Path p = dir.resolve("odd-metadata.safetensors");
        SafetensorsWriter.write(p, sd.tensors().values(), Map.of(ConventionRules.METADATA_KEY, "eval"), false);
        WeightsException e = assertThrows(WeightsException.class, () -> BlurdmModel.conventionsOf(p, null));
        assertEquals(p + ": __metadata__.conventions must be 'original' (the authors' release: their eval.py's "
                + "conventions) or 'blurdm' (BlurDM's), found 'eval'", e.getMessage());
    }

    static int maxDiff(float[] a, float[] b) {
        int m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, (int) Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static int differing(float[] a, float[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return n;
    }
}

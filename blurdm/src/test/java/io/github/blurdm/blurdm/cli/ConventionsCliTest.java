package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.ConventionRules;
import io.github.blurdm.weights.SafetensorsFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conventions as a user meets them: {@code deblur} on a file laid out as the authors release MIMO-UNet+
 * (their eval.py's result, one stderr line saying why), {@code --conventions}, {@code weights inspect}, and
 * {@code weights convert} keeping the conventions in the metadata.
 */
class ConventionsCliTest {
    private static final CliFixtures FIXTURES = new CliFixtures("mimo_original");

    @TempDir
    Path dir;

    private Path image(String id) throws Exception {
        return FIXTURES.png(dir.resolve("in"), id + "/image", id);
    }

    @Test
    void anOriginalReleaseDeblursAsItsEvalPyAndSaysWhy() throws Exception {
        Path out = dir.resolve("out");
        for (String id : new String[] {"m4", "odd"}) {
            CliRun r = CliRun.logged("deblur", "--weights", FIXTURES.file("MIMO-UNetPlus-small.pkl"), "--backend",
                    "cpu", "--progress", "none", image(id), "--out", out);
            assertEquals(0, r.code(), r.err());
            FIXTURES.assertWithinOneLevel(out.resolve(id + ".png"), "plus/" + id + "/result");
            assertTrue(r.err().contains("MIMO-UNetPlus-small.pkl: conventions original (as chosj95/MIMO-UNet eval.py: "
                    + "v/255; ") && r.err().contains("layout {'model': ...}, no prior keys"), r.err());
        }
    }

    @Test
    void conventionsOverridesAndABadValueIsAUsageError() throws Exception {
        Path out = dir.resolve("out");
        CliRun r = CliRun.logged("deblur", "--weights", FIXTURES.file("MIMO-UNetPlus-small.zip.pkl"), "--backend",
                "cpu", "--progress", "none", "--conventions", "blurdm", image("m8"), "--out", out);
        assertEquals(0, r.code(), r.err());
        FIXTURES.assertWithinOneLevel(out.resolve("m8.png"), "blurdm/m8/result");
        assertTrue(r.err().contains("conventions blurdm (") && r.err().contains("set explicitly (the file alone "
                + "gives original: "), r.err());
        r = CliRun.of("deblur", "--weights", FIXTURES.file("MIMO-UNetPlus-small.pkl"), "--conventions", "authors",
                image("m8"), "--out", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--conventions must be 'original' (the authors' release: their eval.py's "
                + "conventions) or 'blurdm' (BlurDM's), found 'authors'"), r.err());
    }

    @Test
    void inspectSaysWhichConventionsAndWhy() throws Exception {
        CliRun r = CliRun.of("weights", "inspect", FIXTURES.file("MIMO-UNet-small.pkl"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("conventions original (as chosj95/MIMO-UNet eval.py: v/255; reflect pad "
                + "right/bottom to a multiple of 4; clamp [0, 1]; +0.5/255, x255, truncate (eval.py's to_pil_image)): "
                + "an original MIMO-UNet (base 4, 1 ResBlock) release: layout {'model': ...}, no prior keys"),
                r.out());
        assertTrue(r.out().contains("other entries:") && r.out().contains("optimizer"), r.out());
        r = CliRun.of("weights", "inspect", FIXTURES.file("blurdm-layout.pth"));
        assertTrue(r.out().contains("conventions blurdm (as BlurDM's MIMO-UNet deblur_predict.py: v/255 - 0.5; "),
                r.out());
        r = CliRun.of("weights", "inspect", Path.of("../weights/src/test/resources/checkpoints/plain.pth"));
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("conventions"), "no MIMO-UNet, no conventions line: " + r.out());
    }

    @Test
    void convertRecordsTheConventionsSoTheConvertedFileKeepsThem() throws Exception {
        Path st = dir.resolve("plus.safetensors");
        CliRun r = CliRun.of("weights", "convert", FIXTURES.file("MIMO-UNetPlus-small.pkl"), st);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("conventions original (") && r.out().contains("(recorded as conventions = original)"),
                r.out());
        try (SafetensorsFile f = SafetensorsFile.open(st)) {
            assertEquals("original", f.metadata().get(ConventionRules.METADATA_KEY));
            assertEquals("an original MIMO-UNet (base 4, 2 ResBlocks) release: layout {'model': ...}, no prior keys",
                    f.metadata().get(ConventionRules.METADATA_REASON_KEY));
        }
        Path out = dir.resolve("out");
        r = CliRun.logged("deblur", "--weights", st, "--backend", "cpu", "--progress", "none", image("odd"),
                "--out", out);
        assertEquals(0, r.code(), r.err());
        FIXTURES.assertWithinOneLevel(out.resolve("odd.png"), "plus/odd/result");
        assertTrue(r.err().contains("conventions original (") && r.err().contains("recorded in the file's metadata "
                + "(conventions = original; at conversion: an original MIMO-UNet (base 4, 2 ResBlocks) release"), r.err());
        // re-converting keeps them; --conventions records another choice
        Path again = dir.resolve("again.safetensors");
        assertEquals(0, CliRun.of("weights", "convert", st, again).code());
        Path forced = dir.resolve("forced.safetensors");
        assertEquals(0, CliRun.of("weights", "convert", FIXTURES.file("MIMO-UNetPlus-small.pkl"), forced,
                "--conventions", "blurdm").code());
        try (SafetensorsFile a = SafetensorsFile.open(again); SafetensorsFile b = SafetensorsFile.open(forced)) {
            assertEquals("original", a.metadata().get(ConventionRules.METADATA_KEY));
            assertEquals("blurdm", b.metadata().get(ConventionRules.METADATA_KEY));
            assertTrue(b.metadata().get(ConventionRules.METADATA_REASON_KEY).startsWith("set explicitly"));
        }
        // a prior generator alone has no conventions of its own
        Path prior = dir.resolve("prior.safetensors");
        Path stage3 = Path.of(ConventionsCliTest.class.getResource("/fixtures/mimo_small/official_stage3.pth").toURI());
        r = CliRun.of("weights", "convert", stage3, prior, "--key", "model_dm_state");
        assertEquals(0, r.code(), r.err());
        try (SafetensorsFile f = SafetensorsFile.open(prior)) {
            assertNull(f.metadata().get(ConventionRules.METADATA_KEY));
        }
        r = CliRun.of("weights", "convert", FIXTURES.file("MIMO-UNetPlus-small.pkl"), dir.resolve("x.safetensors"),
                "--conventions", "eval");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--conventions must be 'original'") && r.err().contains("found 'eval'"), r.err());
    }
}

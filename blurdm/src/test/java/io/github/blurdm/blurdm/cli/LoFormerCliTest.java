package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.weights.NpyFile;
import io.github.blurdm.weights.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both kinds of LoFormer files from the command line, against the PyTorch reference's results
 * (make_loformer_fixtures.py): a BlurDM checkpoint with its prior (--noise of shape (tiles, L), --save-prior), an
 * original release ({'params': ...}, img_as_ubyte's rounding), a wrong noise row count, and weights inspect/convert.
 */
class LoFormerCliTest {
    private static final CliFixtures FIXTURES = new CliFixtures("loformer_small");

    @TempDir
    Path dir;

    private Path png(String id) throws Exception {
        return FIXTURES.png(dir, id + "/image", id);
    }

    private Path npy(String name, Tensor t) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, NpyFile.encode(t.data(), t.dim(0), t.dim(1)));
        return p;
    }

    private static float[] read(Path png) throws Exception {
        return Images.toRgb(Images.read(png)).data();
    }

    @Test
    void aBlurdmCheckpointDeblursWithItsNoisePerTileAndSavesThePrior() throws Exception {
        Path in = png("c2");   // 390x8: two tiles of 384 (width padded to 40)
        CliRun r = CliRun.of("deblur", "--weights", FIXTURES.file("blurdm_stage3.pth"), "--backend", "cpu", "--noise",
                npy("noise.npy", FIXTURES.tensor("c2/noise")), "--save-prior", dir.resolve("priors"), "--progress",
                "none", "--out", dir.resolve("out"), in);
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(FIXTURES.tensor("c2/result").data(), read(dir.resolve("out/c2.png")));
        NpyFile prior = NpyFile.read(dir.resolve("priors/c2.prior.npy"));
        assertArrayEquals(new long[] {2, 32}, prior.shape());
        float[] want = FIXTURES.tensor("c2/prior").data();
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], prior.values()[i], 1e-4 * (1 + Math.abs(want[i])), "prior value " + i);
        }
    }

    @Test
    void noiseWithTheWrongTileCountFailsThatImageNamingTheShape() throws Exception {
        Path in = png("c1");   // one tile
        CliRun r = CliRun.of("deblur", "--weights", FIXTURES.file("blurdm_stage3.pth"), "--backend", "cpu", "--noise",
                npy("noise.npy", FIXTURES.tensor("c2/noise")), "--progress", "none", "--out", dir.resolve("out"), in);
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("noise: expected [1, 32]") && r.err().contains("found [2, 32]"), r.err());
    }

    @Test
    void anOriginalReleaseRunsAsItsAuthorsValPy() throws Exception {
        Path in = png("c5");   // 40x48, one tile: the official quirk fades its first 32 rows and columns
        CliRun r = CliRun.of("deblur", "--weights", FIXTURES.file("original_release.pth"), "--backend", "cpu",
                "--progress", "none", "--out", dir.resolve("out"), in);
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(FIXTURES.tensor("c5/result").data(), read(dir.resolve("out/c5.png")));
    }

    @Test
    void inspectNamesLoFormerAndAConvertedReleaseDeblursTheSame() throws Exception {
        CliRun r = CliRun.of("weights", "inspect", FIXTURES.file("original_release.pth"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("LoFormer (dim 4, blocks [1]/1/[1], heads [1]/2/[1])")
                && r.out().contains("architecture loformer"), r.out());
        Path st = dir.resolve("release.safetensors");
        r = CliRun.of("weights", "convert", FIXTURES.file("original_release.pth"), st);
        assertEquals(0, r.code(), r.err());
        try (SafetensorsFile f = SafetensorsFile.open(st)) {
            assertEquals("loformer", f.metadata().get("architecture"));
            assertEquals("original", f.metadata().get("conventions"));
        }
        Path in = png("c5");
        r = CliRun.of("deblur", "--weights", st, "--backend", "cpu", "--progress", "none", "--out",
                dir.resolve("out"), in);
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(FIXTURES.tensor("c5/result").data(), read(dir.resolve("out/c5.png")));
    }
}

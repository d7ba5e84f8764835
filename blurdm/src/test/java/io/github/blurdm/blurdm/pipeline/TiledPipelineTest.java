package io.github.blurdm.blurdm.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.BlurdmModel;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion.Noise;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** Tiled runs against whole-image runs of the same model. */
class TiledPipelineTest {
    private static BlurdmModel model(CpuBackend cpu) throws Exception {
        return BlurdmModel.load(Path.of(TiledPipelineTest.class.getResource("/fixtures/mimo_small/model.safetensors")
                .toURI()), cpu);
    }

    /** A smooth random image, values 0..255. */
    static Tensor image(int h, int w, long seed) {
        Random r = new Random(seed);
        float[] v = new float[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    v[(y * w + x) * 3 + c] = (float) Math.floor(127 + 80 * Math.sin(0.07 * x + c) * Math.cos(0.05 * y)
                            + 40 * r.nextFloat());
                }
            }
        }
        return Tensor.of(v, h, w, 3);
    }

    @Test
    void tilesCoverTheImageAlignedAndOverlapping() {
        List<Tiling.Tile> t = Tiling.tiles(200, 136, 64, 16, 8);
        boolean[] covered = new boolean[200 * 136];
        for (Tiling.Tile tile : t) {
            assertEquals(0, tile.y0() % 8);
            assertEquals(0, tile.x0() % 8);
            assertTrue(tile.height() <= 64 && tile.width() <= 64);
            for (int y = tile.y0(); y < tile.y1(); y++) {
                for (int x = tile.x0(); x < tile.x1(); x++) {
                    covered[y * 136 + x] = true;
                }
            }
        }
        for (boolean c : covered) {
            assertTrue(c);
        }
        assertEquals(1, Tiling.tiles(64, 64, 64, 16, 8).size());
        assertThrows(IllegalArgumentException.class, () -> Tiling.tiles(64, 64, 60, 16, 8));
    }

    @Test
    void theTiledEncoderGivesTheWholeImageLatent() throws Exception {
        try (CpuBackend cpu = new CpuBackend(2, true)) {
            BlurdmModel m = model(cpu);
            Ops ops = new Ops(cpu);
            Tensor xp = m.conventions().conventions().pad(m.conventions().conventions().normalise(image(150, 203, 1)));
            float[] whole = m.prior().encoder().forward(ops, xp, xp).data();
            float[] tiled = DeblurPipeline.encodeTiled(ops, m.prior().encoder(), xp,
                    Tiling.partition(xp.dim(2) / 4, xp.dim(3) / 4, 10), () -> { }).data();
            double num = 0;
            double den = 0;
            for (int i = 0; i < whole.length; i++) {
                num += (whole[i] - tiled[i]) * (double) (whole[i] - tiled[i]);
                den += whole[i] * (double) whole[i];
            }
            assertTrue(Math.sqrt(num / den) < 1e-6, "rel-L2 " + Math.sqrt(num / den));
        }
    }

    @Test
    void tiledOutputAgreesWithTheWholeImageAwayFromTileBorders() throws Exception {
        try (CpuBackend cpu = new CpuBackend(2, true)) {
            BlurdmModel m = model(cpu);
            Ops ops = new Ops(cpu);
            Tensor img = image(150, 203, 2);
            Noise noise = Noise.philox(4, 0);
            float[] whole = DeblurPipeline.deblur(ops, m.backbone(), m.prior(), m.conventions().conventions(), img, noise).data();
            int[] steps = {0};
            float[] tiled = DeblurPipeline.deblur(ops, m.backbone(), m.prior(), m.conventions().conventions(), img, noise, 96, 48,
                    (done, total) -> ++steps[0] > 0).data();
            assertTrue(steps[0] > 2, "progress reported per tile");
            int maxDiff = 0;
            for (int i = 0; i < whole.length; i++) {
                maxDiff = Math.max(maxDiff, (int) Math.abs(whole[i] - tiled[i]));
            }
            assertTrue(maxDiff <= 1, "max |tiled - whole| = " + maxDiff + " levels");
        }
    }

    /** An original release tiles on its own grid (multiples of 4: 150x202 pads to 152x204, not 152x208). */
    @Test
    void anOriginalReleaseTilesAlignedToFour() throws Exception {
        try (CpuBackend cpu = new CpuBackend(2, true)) {
            BlurdmModel m = BlurdmModel.load(Path.of(TiledPipelineTest.class.getResource(
                    "/fixtures/mimo_original/MIMO-UNetPlus-small.zip.pkl").toURI()), cpu);
            Conventions c = m.conventions().conventions();
            assertEquals(4, c.padMultiple());
            Ops ops = new Ops(cpu);
            Tensor img = image(150, 202, 5);
            float[] whole = DeblurPipeline.deblur(ops, m.backbone(), null, c, img, null).data();
            float[] tiled = DeblurPipeline.deblur(ops, m.backbone(), null, c, img, null, 96, 48,
                    DeblurPipeline.Progress.NONE).data();
            int maxDiff = 0;
            for (int i = 0; i < whole.length; i++) {
                maxDiff = Math.max(maxDiff, (int) Math.abs(whole[i] - tiled[i]));
            }
            assertTrue(maxDiff <= 1, "max |tiled - whole| = " + maxDiff + " levels");
        }
    }

    @Test
    void progressCanCancel() throws Exception {
        try (CpuBackend cpu = new CpuBackend(1, true)) {
            BlurdmModel m = model(cpu);
            Ops ops = new Ops(cpu);
            CancellationException e = assertThrows(CancellationException.class, () -> DeblurPipeline.deblur(ops,
                    m.backbone(), m.prior(), m.conventions().conventions(), image(100, 100, 3), Noise.philox(1, 0), 48, 16, (done, total) -> done < 2));
            assertTrue(e.getMessage().contains("after 2 of"), e.getMessage());
        }
    }
}

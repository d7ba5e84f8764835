package io.github.blurdm.blurdm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.ConventionRules;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.weights.SafetensorsFile;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The conventions' steps: the rounding rules bit-exact against PyTorch (weights/reference/
 * make_original_fixtures.py, 'quantise/*': values at and around every level boundary), padding only when
 * needed, and BlurDM's row computing exactly what the pipeline computed before conventions existed.
 */
class ConventionsTest {
    private static final Conventions BLURDM = ConventionRules.conventions(Backbone.MIMO_UNET, Origin.BLURDM);
    private static final Conventions ORIGINAL = ConventionRules.conventions(Backbone.MIMO_UNET,
            Origin.ORIGINAL_RELEASE);

    private static float[] fixture(String key) throws Exception {
        Path p = Path.of(ConventionsTest.class.getResource("/fixtures/mimo_original/cases.safetensors").toURI());
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            return f.get(key).toFloats();
        }
    }

    /** Every value of the sweep gets PyTorch's level under both rules, and the rules do differ. */
    @Test
    void roundingRulesEqualPyTorchsOnEveryBoundary() throws Exception {
        float[] v = fixture("quantise/v");
        float[] evalPy = fixture("quantise/eval_py");
        float[] saveImage = fixture("quantise/save_image");
        int differ = 0;
        for (int i = 0; i < v.length; i++) {
            int a = Quantisation.TRUNCATE_AFTER_HALF_LEVEL.level(v[i]);
            int b = Quantisation.SAVE_IMAGE.level(v[i]);
            assertEquals((int) evalPy[i], a, "eval.py's rule at v = " + v[i] + " (" + Float.floatToIntBits(v[i]) + ")");
            assertEquals((int) saveImage[i], b, "save_image's rule at v = " + v[i]);
            differ += a != b ? 1 : 0;
        }
        // they agree on every float32 in [0, 1] but the one just below 0.5/255, which the sweep holds
        assertTrue(differ > 0, "the two rules must differ on the float32 just below 0.5/255");
    }

    @Test
    void roundHalfEvenRoundsTiesToEven() {
        // v*255 exactly 0.5 and 2.5 in float32: 0.5f/255f*255f and 2.5f/255f*255f round-trip
        assertEquals(0.5f, (0.5f / 255f) * 255f);
        assertEquals(0, Quantisation.ROUND_HALF_EVEN.level(0.5f / 255f));
        assertEquals(255, Quantisation.ROUND_HALF_EVEN.level(1f));
        assertEquals(0, Quantisation.ROUND_HALF_EVEN.level(Float.NaN));
        assertEquals(1, Quantisation.SAVE_IMAGE.level(0.5f / 255f), "save_image rounds that tie up");
    }

    @Test
    void paddingOnlyWhereASideIsNotAMultiple() {
        Tensor x = Tensor.of(new float[3 * 8 * 12], 1, 3, 8, 12);
        assertSame(x, ORIGINAL.pad(x), "multiples of 4: untouched, as eval.py");
        assertEquals(0, ORIGINAL.padding(36));
        assertEquals(3, ORIGINAL.padding(37));
        assertEquals(4, BLURDM.padding(12));
        float[] d = new float[3 * 5 * 6];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        Tensor p = ORIGINAL.pad(Tensor.of(d, 1, 3, 5, 6));
        assertArrayEquals(new int[] {1, 3, 8, 8}, p.shape());
        // reflect without repeating the edge: row 5 is row 3, column 6 is column 4
        assertEquals(d[3 * 6 + 2], p.data()[5 * 8 + 2]);
        assertEquals(d[1 * 6 + 4], p.data()[1 * 8 + 6]);
    }

    /** BlurDM's row computes, bit for bit, the formulas the pipeline had before conventions were a value. */
    @Test
    void blurdmRowIsThePipelineAsBefore() {
        Random r = new Random(7);
        int h = 5;
        int w = 7;
        float[] rgb = new float[h * w * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = r.nextInt(256);
        }
        float[] x = BLURDM.normalise(Tensor.of(rgb, h, w, 3)).data();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < h * w; i++) {
                assertEquals(rgb[i * 3 + c] / 255f - 0.5f, x[c * h * w + i]);
            }
        }
        float[] out = new float[3 * 8 * 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (r.nextGaussian() * 0.4);
        }
        float[] q = BLURDM.quantise(Tensor.of(out, 1, 3, 8, 8), h, w).data();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    float v = Math.min(0.5f, Math.max(-0.5f, out[(c * 8 + y) * 8 + xx])) + 0.5f;
                    float s = Math.min(255f, Math.max(0f, v * 255f + 0.5f));
                    assertEquals((int) s, q[(y * w + xx) * 3 + c]);
                }
            }
        }
    }

    @Test
    void describesItselfAndRefusesNonsense() {
        assertEquals("v/255 - 0.5; reflect pad right/bottom to a multiple of 8; clamp [-0.5, 0.5] + 0.5; "
                + "x255 +0.5, clamp [0, 255], truncate (save_image)", BLURDM.describe());
        assertEquals("v/255; reflect pad right/bottom to a multiple of 4; clamp [0, 1]; "
                + "+0.5/255, x255, truncate (eval.py's to_pil_image)", ORIGINAL.describe());
        assertThrows(IllegalArgumentException.class, () -> new Conventions(0f, 0, 0f, 1f, Quantisation.SAVE_IMAGE));
        assertThrows(IllegalArgumentException.class, () -> new Conventions(0f, 4, 1f, 0f, Quantisation.SAVE_IMAGE));
    }
}

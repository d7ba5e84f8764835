package io.github.blurdm.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.blurdm.runtime.Gelu;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * VectorMath's exp and GELU against the double-precision references (Math.exp, Gelu.apply) on a dense sweep
 * of their ranges, tails included: exp within 2e-7 relative; GELU within 1e-6 relative where it is at least 1e-9
 * in magnitude, and within 1e-15 |x| absolute in the far left tail, where the reference's 1 + erf, computed as
 * 1 - erfc in double, has only that absolute accuracy (ours, erfc itself, is closer to the truth there). The
 * ranges start at an odd offset and have a length that is not a whole number of vectors, so the scalar tails
 * run too, and nothing outside them is touched.
 */
class VectorMathTest {
    private static final float POISON = -12345f;

    private static float[] sweep(float lo, float hi, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * i / (n - 1);
        }
        return x;
    }

    /** x placed at offset 3 of an array poisoned around it. */
    private static float[] embedded(float[] x) {
        float[] a = new float[x.length + 8];
        Arrays.fill(a, POISON);
        System.arraycopy(x, 0, a, 3, x.length);
        return a;
    }

    private static void assertUntouchedOutside(float[] a, int from, int to) {
        for (int i = 0; i < a.length; i++) {
            if (i < from || i >= to) {
                assertEquals(POISON, a[i], "index " + i + " outside the range was written");
            }
        }
    }

    @Test
    void expIsWithinTwoTenthsOfAMillionthAndSumsWhatItWrites() {
        assumeTrue(VectorSupport.AVAILABLE, "Vector API not available");
        float shift = 1.25f;
        float[] x = sweep(-87f + shift, 88f + shift, (1 << 20) + 5);
        float[] a = embedded(x);
        VectorMath.exp(a, 3, x.length, shift);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double want = Math.exp(x[i] - shift);
            worst = Math.max(worst, Math.abs(a[3 + i] - want) / want);
        }
        assertTrue(worst <= 2e-7, "exp worst relative error " + worst);
        assertUntouchedOutside(a, 3, 3 + x.length);
        // the sum, on a range whose total stays finite in float
        float[] y = embedded(sweep(-30f, 30f, 1003));
        float sum = VectorMath.exp(y, 3, 1003, shift);
        double total = 0;
        for (int i = 0; i < 1003; i++) {
            total += y[3 + i];
        }
        assertEquals(total, sum, 1e-5 * total);
    }

    @Test
    void expIsZeroBelowTheNormalRange() {
        assumeTrue(VectorSupport.AVAILABLE, "Vector API not available");
        float[] a = new float[64];   // whole vectors: the scalar tail computes Math.exp's denormals
        Arrays.fill(a, -87.5f);
        a[0] = -100f;
        a[1] = -1e30f;
        a[2] = Float.NEGATIVE_INFINITY;
        assertEquals(0f, VectorMath.exp(a, 0, a.length, 0f));
        assertArrayEquals(new float[a.length], a);
    }

    @Test
    void geluIsWithinAMillionth() {
        assumeTrue(VectorSupport.AVAILABLE, "Vector API not available");
        float bias = 0.375f;
        float[] x = sweep(-20f, 20f, (1 << 20) + 7);
        float[] src = new float[x.length + 1];
        for (int i = 0; i < x.length; i++) {
            src[1 + i] = x[i] - bias;
        }
        float[] got = new float[x.length + 8];
        Arrays.fill(got, POISON);
        VectorMath.gelu(src, 1, got, 3, x.length, bias);
        assertUntouchedOutside(got, 3, 3 + x.length);
        double worst = 0;
        float at = 0;
        for (int i = 0; i < x.length; i++) {
            float v = src[1 + i] + bias;
            double want = Gelu.apply(v);
            double err = Math.abs(got[3 + i] - want);
            if (Math.abs(want) >= 1e-9) {
                err /= Math.abs(want);
                if (err > worst) {
                    worst = err;
                    at = v;
                }
            } else {
                assertTrue(err <= 1e-15 * Math.abs(v), "gelu(" + v + ") = " + got[3 + i] + ", want " + want);
            }
        }
        assertTrue(worst <= 1e-6, "gelu worst relative error " + worst + " at " + at);
    }

    @Test
    void geluInPlaceEqualsGeluIntoAnotherArray() {
        assumeTrue(VectorSupport.AVAILABLE, "Vector API not available");
        float[] x = sweep(-6f, 5f, 1001);
        float[] copy = new float[x.length];
        VectorMath.gelu(x, 0, copy, 0, x.length, -0.5f);
        VectorMath.gelu(x, 0, x, 0, x.length, -0.5f);
        assertArrayEquals(copy, x);
    }
}

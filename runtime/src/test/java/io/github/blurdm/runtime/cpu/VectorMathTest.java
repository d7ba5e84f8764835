package io.github.blurdm.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.blurdm.runtime.Gelu;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * VectorMath's exp and GELU against the double-precision references (Math.exp, Gelu.apply) on a dense sweep
 * of their ranges, tails included: exp within 2e-7 relative; GELU within 1e-6 relative where it is at least 1e-9
 * in magnitude, and within 1e-15 |x| absolute in the far left tail, where the reference's 1 + erf, computed as
 * 1 - erfc in double, has only that absolute accuracy (ours, erfc itself, is closer to the truth there).
 */
class VectorMathTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    private static float[] apply(boolean gelu, float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i + L <= x.length; i += L) {
            FloatVector v = FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i);
            (gelu ? VectorMath.gelu(v) : VectorMath.exp(v)).intoArray(out, i);
        }
        return out;
    }

    private static float[] sweep(float lo, float hi, int n) {
        float[] x = new float[n / L * L];
        for (int i = 0; i < x.length; i++) {
            x[i] = lo + (hi - lo) * i / (x.length - 1);
        }
        return x;
    }

    @Test
    void expIsWithinTwoTenthsOfAMillionth() {
        assumeTrue(VectorSupport.AVAILABLE, "Vector API not available");
        float[] x = sweep(-87f, 88f, 1 << 20);
        float[] got = apply(false, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double want = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(got[i] - want) / want);
        }
        assertTrue(worst <= 2e-7, "exp worst relative error " + worst);
        assertTrue(apply(false, new float[] {-100f, -200f, -1e30f, -87.5f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f,
            0f, 0f})[0] == 0f);
    }

    @Test
    void geluIsWithinAMillionth() {
        assumeTrue(VectorSupport.AVAILABLE, "Vector API not available");
        float[] x = sweep(-20f, 20f, 1 << 20);
        float[] got = apply(true, x);
        double worst = 0;
        float at = 0;
        for (int i = 0; i < x.length; i++) {
            double want = Gelu.apply(x[i]);
            double err = Math.abs(got[i] - want);
            if (Math.abs(want) >= 1e-9) {
                err /= Math.abs(want);
                if (err > worst) {
                    worst = err;
                    at = x[i];
                }
            } else {
                assertTrue(err <= 1e-15 * Math.abs(x[i]), "gelu(" + x[i] + ") = " + got[i] + ", want " + want);
            }
        }
        assertTrue(worst <= 1e-6, "gelu worst relative error " + worst + " at " + at);
    }
}

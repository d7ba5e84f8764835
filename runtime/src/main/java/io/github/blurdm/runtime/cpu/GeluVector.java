package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * gelu, Vector API fast path (loaded only behind {@link VectorSupport#AVAILABLE}; {@link GeluCpu} with the
 * series/continued-fraction erf of {@link io.github.blurdm.runtime.Gelu} stays the reference). GELU(x) =
 * x/2 erfc(-x/sqrt 2) with erfc from the Chebyshev fit of Numerical Recipes' {@code erfcc} (fractional error
 * below 1.2e-7 everywhere, so the negative tail keeps its relative accuracy), evaluated in float with the
 * vector exp: about 1e-7 relative to the reference, against the hundreds of double operations per value of the
 * reference's series (which made GELU LoFormer's most expensive elementwise op).
 */
final class GeluVector {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float INV_SQRT2 = 0.70710678118654752f;

    private GeluVector() {
    }

    static void forward(Parallel par, Tensor out, Tensor x) {
        final float[] o = out.data();
        final float[] in = x.data();
        par.forRange(x.size(), 1 << 13, (lo, hi) -> apply(in, lo, o, lo, hi - lo));
    }

    /** dst[d + i] = GELU(src[s + i]) for i < n. */
    static void apply(float[] src, int s, float[] dst, int d, int n) {
        int i = 0;
        for (; i + S.length() <= n; i += S.length()) {
            gelu(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] = scalar(src[s + i]);
        }
    }

    /** The vector GELU. */
    static FloatVector gelu(FloatVector x) {
        FloatVector z = x.mul(-INV_SQRT2);                 // erfc's argument; GELU = x/2 erfc(z)
        FloatVector a = z.abs();
        FloatVector t = a.mul(0.5f).add(1f);
        t = FloatVector.broadcast(S, 1f).div(t);
        FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
        p = p.mul(t).add(1.48851587f);
        p = p.mul(t).add(-1.13520398f);
        p = p.mul(t).add(0.27886807f);
        p = p.mul(t).add(-0.18628806f);
        p = p.mul(t).add(0.09678418f);
        p = p.mul(t).add(0.37409196f);
        p = p.mul(t).add(1.00002368f);
        p = p.mul(t).add(-1.26551223f);
        FloatVector e = t.mul(a.mul(a).neg().add(p).lanewise(VectorOperators.EXP));   // erfc(|z|)
        FloatVector erfc = e.blend(FloatVector.broadcast(S, 2f).sub(e), z.compare(VectorOperators.LT, 0f));
        return x.mul(0.5f).mul(erfc);
    }

    /** The same in scalar float, for tails. */
    static float scalar(float x) {
        float z = -x * INV_SQRT2;
        float a = Math.abs(z);
        float t = 1f / (1f + 0.5f * a);
        float p = ((((((((0.17087277f * t - 0.82215223f) * t + 1.48851587f) * t - 1.13520398f) * t + 0.27886807f) * t
                - 0.18628806f) * t + 0.09678418f) * t + 0.37409196f) * t + 1.00002368f) * t - 1.26551223f;
        float e = t * (float) Math.exp(-a * a + p);
        return 0.5f * x * (z < 0 ? 2f - e : e);
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Gelu;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised float functions of our own (every JDK computes the same; the Vector API's own EXP falls back to
 * a scalar loop where no vector math library is intrinsified), for the softmax of attention and GELU (the op
 * and the epilogue of convs): within a few ulp of the double-precision references {@code Math.exp} and
 * {@link Gelu#apply}.
 *
 * <p>Each function works on a range of an array and writes its vector math out in its own loop. A helper that
 * takes and returns a {@code FloatVector} is only fast while C2 inlines it, and C2 stops doing so once the
 * helper has been compiled on its own (its machine code passes {@code InlineSmallCode}) or the caller has
 * grown past {@code NodeCountInliningCutoff}: every call then boxes its vectors. The per-vector exp and GELU
 * of earlier versions did exactly that inside a whole model (Stripformer at 1280x720: 250 GB of boxed vectors
 * per image, most of the time and of the heap growth of its first run); arrays cross calls without boxing.
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;
    /** The bits of {@link #ROUND}: subtracted from the bits of ROUND + n, they leave n. */
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** Below this, e^x is a denormal and taken as 0; above {@link #EXP_MAX}, clamped. */
    private static final float EXP_MIN = -87.3f;
    private static final float EXP_MAX = 88.7f;
    private static final float INV_SQRT2 = 0.70710678118654752f;

    private VectorMath() {
    }

    /**
     * a[off + i] = e^(a[off + i] - shift) for i &lt; n; returns their sum (the vector part summed by lanes, the
     * scalar tail, by {@code Math.exp}, added after). e^x: x = k ln2 + r with k = round(x log2 e) (|r| &lt;= ln2 /
     * 2; ln2 in two parts, so r is exact), e^r by the degree-6 minimax polynomial of Cephes' expf (about 1 ulp),
     * times 2^k built in the exponent bits. Arguments are clamped to [-87.3, 88.7]; below -87.3 the result is 0.
     */
    static float exp(float[] a, int off, int n, float shift) {
        FloatVector sum = FloatVector.zero(S);
        int i = off;
        for (int end = off + n - L; i <= end; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i).sub(shift);
            FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
            // y + 1.5 * 2^23 holds round(y) in its low mantissa bits: the integer without a float-to-int
            // conversion (JDK 17 does not intrinsify F2I: that conversion alone cost more than the rest)
            FloatVector shifted = xc.mul(LOG2E).add(ROUND);
            FloatVector k = shifted.sub(ROUND);
            FloatVector r = xc.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
            FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
            p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            p = p.fma(r.mul(r), r).add(1f);
            IntVector ki = shifted.reinterpretAsInts().sub(ROUND_BITS);
            FloatVector twoK = ki.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(twoK).blend(0f, x.lt(EXP_MIN));
            e.intoArray(a, i);
            sum = sum.add(e);
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        for (int end = off + n; i < end; i++) {
            float e = (float) Math.exp(a[i] - shift);
            a[i] = e;
            total += e;
        }
        return total;
    }

    /**
     * dst[d + i] = GELU(src[s + i] + bias) for i &lt; n (src and dst may be the same range): the exact (erf) GELU,
     * x/2 (1 + erf(x / sqrt 2)), through erfc: with z = |x| / sqrt 2 and t = 1/(1 + z/2), erfc(z) = t exp(-z^2 +
     * P(t)) with P the Chebyshev fit of Numerical Recipes' erfcc (relative error below 1.2e-7 for every z), so 1
     * + erf = erfc(z) for negative x (no cancellation in the far left tail) and 2 - erfc(z) for positive x. The
     * scalar tail uses {@link Gelu#apply}. Within 1e-6 relative of the double reference wherever GELU is at least
     * 1e-9 in magnitude (VectorMathTest).
     */
    static void gelu(float[] src, int s, float[] dst, int d, int n, float bias) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector x = FloatVector.fromArray(S, src, s + i).add(bias);
            FloatVector z = x.abs().mul(INV_SQRT2);
            FloatVector t = FloatVector.broadcast(S, 1f).div(z.mul(0.5f).add(1f));
            FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
            p = p.fma(t, FloatVector.broadcast(S, 1.48851587f));
            p = p.fma(t, FloatVector.broadcast(S, -1.13520398f));
            p = p.fma(t, FloatVector.broadcast(S, 0.27886807f));
            p = p.fma(t, FloatVector.broadcast(S, -0.18628806f));
            p = p.fma(t, FloatVector.broadcast(S, 0.09678418f));
            p = p.fma(t, FloatVector.broadcast(S, 0.37409196f));
            p = p.fma(t, FloatVector.broadcast(S, 1.00002368f));
            p = p.fma(t, FloatVector.broadcast(S, -1.26551223f));
            // e^(P - z^2) in two parts, -z^2 = -x^2/2 = big + small: big = -h/2 with h = x*x rounded (exact),
            // small = P - e/2 with e = x*x - h by an FMA. k comes from their sum, and r = (big - k ln2) + small
            // keeps float accuracy where -z^2 + P, rounded as one float of magnitude ~20, would lose six digits
            FloatVector h = x.mul(x);
            FloatVector big = h.mul(-0.5f);
            FloatVector small = p.sub(x.fma(x, h.neg()).mul(0.5f));
            FloatVector arg = big.add(small);
            FloatVector shifted = arg.max(EXP_MIN).mul(LOG2E).add(ROUND);
            FloatVector k = shifted.sub(ROUND);
            FloatVector r = big.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO)).add(small);
            FloatVector q = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
            q = q.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            q = q.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            q = q.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            q = q.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            q = q.fma(r.mul(r), r).add(1f);
            IntVector ki = shifted.reinterpretAsInts().sub(ROUND_BITS);
            FloatVector twoK = ki.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector erfc = t.mul(q.mul(twoK).blend(0f, arg.lt(EXP_MIN)));
            FloatVector onePlusErf = erfc.neg().add(2f).blend(erfc, x.lt(0f));
            x.mul(0.5f).mul(onePlusErf).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            dst[d + i] = Gelu.apply(src[s + i] + bias);
        }
    }
}

package io.github.blurdm.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised float functions of our own (every JDK computes the same; the Vector API's own EXP falls back to
 * a scalar loop where no vector math library is intrinsified), for the softmax of attention and the GELU
 * epilogue of convs: within a few ulp of the double-precision references {@code Math.exp} and
 * {@link io.github.blurdm.runtime.Gelu#apply}.
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;
    /** The bits of {@link #ROUND}: subtracted from the bits of ROUND + n, they leave n. */
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float INV_SQRT2 = 0.70710678118654752f;

    private VectorMath() {
    }

    /**
     * e^x: x = n ln2 + r with n = round(x log2 e) (|r| &lt;= ln2 / 2; ln2 in two parts, so r is exact), e^r by
     * the degree-6 minimax polynomial of Cephes' expf (about 1 ulp), times 2^n built in the exponent bits.
     * Arguments are clamped to [-87.3, 88.7]; below -87.3 the result is 0 (e^x would be a denormal).
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-87.3f).min(88.7f);
        // y + 1.5 * 2^23 holds round(y) in its low mantissa bits: the integer without a float-to-int
        // conversion (JDK 17 does not intrinsify F2I: that conversion alone cost more than the rest)
        FloatVector shifted = xc.mul(LOG2E).add(ROUND);
        FloatVector n = shifted.sub(ROUND);
        FloatVector r = xc.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
        p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector ni = shifted.reinterpretAsInts().sub(ROUND_BITS);
        FloatVector two = ni.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(two).blend(0f, x.lt(-87.3f));
    }

    /**
     * The exact (erf) GELU, x/2 (1 + erf(x / sqrt 2)), through erfc: with z = |x| / sqrt 2 and t = 1/(1 + z/2),
     * erfc(z) = t exp(-z^2 + P(t)) with P the Chebyshev fit of Numerical Recipes' erfcc (relative error below
     * 1.2e-7 for every z), so 1 + erf = erfc(z) for negative x (no cancellation in the far left tail) and
     * 2 - erfc(z) for positive x. Within 1e-6 relative of the double reference wherever GELU is at least 1e-9 in
     * magnitude (VectorMathTest).
     */
    static FloatVector gelu(FloatVector x) {
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
        // e^(P - z^2) with z^2 = x^2/2 = (h + e)/2 split exactly (h = x*x rounded, e its error by an FMA):
        // e^(-h/2) takes an exact argument and e^(P - e/2) a small one, so the tail keeps float accuracy where
        // -z^2 + P, rounded as one float of magnitude ~20, would lose six digits of the result
        FloatVector h = x.mul(x);
        FloatVector e = x.fma(x, h.neg());
        FloatVector erfc = t.mul(exp(h.mul(-0.5f))).mul(exp(p.sub(e.mul(0.5f))));
        FloatVector onePlusErf = erfc.neg().add(2f).blend(erfc, x.lt(0f));
        return x.mul(0.5f).mul(onePlusErf);
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Gelu;
import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * gelu_gate, Vector API fast path (same contract as {@link GeluGateCpu}, the reference, whose erf is a
 * series in double: about 100 ns a value, seconds per FFTformer pass). Here GELU(x) = x/2 * erfc(-x/sqrt 2)
 * with erfc from the Chebyshev fit of Numerical Recipes (erfcc: fractional error below 1.2e-7 for every
 * argument), evaluated as erfc(z) for x &lt; 0 and 2 - erfc(z) otherwise (z = |x|/sqrt 2), so the result
 * keeps a relative error near 1e-7 on both sides; exp by Cephes' expf scheme (Cody-Waite reduction, degree
 * 5 polynomial, scaling through the exponent bits, no float-int conversion). Scalar tail through the reference's GELU.
 * Parallel over (n, c).
 */
final class GeluGateVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final float INV_SQRT2 = 0.70710678118654752440f;

    private GeluGateVector() {
    }

    static void forward(Parallel par, Tensor out, Tensor x) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int c = out.dim(1);
        final int inner = out.size() / (out.dim(0) * c);
        par.forEach(out.dim(0) * c, job -> {
            int n = job / c;
            int ch = job % c;
            int src = (n * 2 * c + ch) * inner;
            gate(in, src, src + c * inner, o, job * inner, inner);
        });
    }

    /** o[dst + i] = GELU(in[src + i]) * in[gate + i] for i < n: whole vectors by {@link #gateVector}, the tail in scalar. */
    private static void gate(float[] in, int src, int gate, float[] o, int dst, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            gateVector(in, src + i, gate + i, o, dst + i);
        }
        for (; i < n; i++) {
            o[dst + i] = Gelu.apply(in[src + i]) * in[gate + i];
        }
    }

    /**
     * One vector of the gate. A method per vector, not per row: the JIT compiles a method after some hundred
     * calls, but a loop only after tens of thousands of iterations, which the interpreter runs at a few
     * microseconds per Vector API call (measured: 10 s of a first 128x128 FFTformer pass in this op alone; a row
     * loop through VectorMath's range GELU made FFTformer's first pass at 1280x720 75 s instead of 60 s, and
     * 256-float calls of it 66-68 s).
     * GELU and exp are written inline: helpers that take or return vectors get compiled on their own and then
     * not inlined, which boxes every vector.
     */
    private static void gateVector(float[] in, int src, int gate, float[] o, int dst) {
        {
            FloatVector x = FloatVector.fromArray(S, in, src);
            // erfc(z), z = |x|/sqrt 2: Numerical Recipes' erfcc
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
            // e^y, y = p - z^2 <= about 0: n = round(y log2 e) by the 1.5 * 2^23 trick, whose bits then hold n
            // (no float-int conversion: JDK 17's C2 does not intrinsify it here); Cephes' expf polynomial
            FloatVector y = p.sub(z.mul(z)).max(-87f);
            FloatVector r2n = y.mul(1.44269504088896341f).add(12582912f);
            FloatVector nf = r2n.sub(12582912f);
            FloatVector r = nf.fma(FloatVector.broadcast(S, -0.693359375f), y);
            r = nf.fma(FloatVector.broadcast(S, 2.12194440e-4f), r);
            FloatVector q = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
            q = q.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            q = q.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            q = q.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            q = q.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            FloatVector e = q.fma(r.mul(r), r).add(1f);
            IntVector scale = r2n.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23);
            FloatVector erfc = t.mul(e.mul(scale.reinterpretAsFloats()));
            // 1 + erf(x) = erfc(-x): erfc(z) for x < 0, 2 - erfc(z) otherwise
            VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
            FloatVector onePlusErf = FloatVector.broadcast(S, 2f).sub(erfc).blend(erfc, negative);
            x.mul(0.5f).mul(onePlusErf).mul(FloatVector.fromArray(S, in, gate)).intoArray(o, dst);
        }
    }
}

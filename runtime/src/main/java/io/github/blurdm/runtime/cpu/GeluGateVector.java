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
 * 5 polynomial, scaling through the exponent bits). Scalar tail through the reference's GELU.
 * Parallel over (n, c).
 */
final class GeluGateVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = S.vectorShape().withLanes(int.class);
    private static final float INV_SQRT2 = 0.70710678118654752440f;

    private GeluGateVector() {
    }

    static void forward(Parallel par, Tensor out, Tensor x) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int c = out.dim(1);
        final int inner = out.size() / (out.dim(0) * c);
        final int bound = S.loopBound(inner);
        par.forEach(out.dim(0) * c, job -> {
            int n = job / c;
            int ch = job % c;
            int src = (n * 2 * c + ch) * inner;
            int gate = src + c * inner;
            int dst = job * inner;
            int i = 0;
            for (; i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, in, src + i);
                gelu(v).mul(FloatVector.fromArray(S, in, gate + i)).intoArray(o, dst + i);
            }
            for (; i < inner; i++) {
                o[dst + i] = Gelu.apply(in[src + i]) * in[gate + i];
            }
        });
    }

    /** x/2 (1 + erf(x/sqrt 2)). */
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
        FloatVector erfc = t.mul(exp(z.mul(z).neg().add(p)));
        VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
        FloatVector onePlusErf = FloatVector.broadcast(S, 2f).sub(erfc).blend(erfc, negative);
        return x.mul(0.5f).mul(onePlusErf);
    }

    /** e^y for y <= about 0.1 (arguments below -87 give e^-87: erfc is then far below a float's resolution). */
    static FloatVector exp(FloatVector y) {
        y = y.max(-87f);
        // n = round(y * log2 e) for y <= 0.5: truncation of (v - 0.5) rounds half away from zero there
        IntVector n = (IntVector) y.mul(1.44269504088896341f).sub(0.5f).convert(VectorOperators.F2I, 0);
        FloatVector nf = (FloatVector) n.convert(VectorOperators.I2F, 0);
        FloatVector r = nf.fma(FloatVector.broadcast(S, -0.693359375f), y);
        r = nf.fma(FloatVector.broadcast(S, 2.12194440e-4f), r);
        FloatVector r2 = r.mul(r);
        FloatVector q = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
        q = q.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
        q = q.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
        q = q.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
        q = q.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
        FloatVector e = q.fma(r2, r).add(1f);
        FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return e.mul(scale);
    }
}

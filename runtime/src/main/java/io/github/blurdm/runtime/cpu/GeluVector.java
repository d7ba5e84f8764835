package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/**
 * gelu, Vector API fast path (loaded only behind {@link VectorSupport#AVAILABLE}; {@link GeluCpu} with the
 * series/continued-fraction erf of {@link io.github.blurdm.runtime.Gelu} stays the reference): the float GELU of
 * {@link VectorMath#gelu}, within 1e-6 relative of the reference, against the hundreds of double operations per
 * value of the reference's series (which made GELU LoFormer's most expensive elementwise op).
 */
final class GeluVector {
    private GeluVector() {
    }

    static void forward(Parallel par, Tensor out, Tensor x) {
        final float[] o = out.data();
        final float[] in = x.data();
        par.forRange(x.size(), 1 << 13, (lo, hi) -> VectorMath.gelu(in, lo, o, lo, hi - lo, 0f));
    }
}

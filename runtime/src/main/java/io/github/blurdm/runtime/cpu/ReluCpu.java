package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/** relu: out = max(x, 0) elementwise, any shape; parallel over contiguous chunks. */
public final class ReluCpu {
    private ReluCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#relu} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x) {
        final float[] o = out.data();
        final float[] in = x.data();
        par.forRange(x.size(), 1 << 15, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float v = in[i];
                o[i] = v > 0f ? v : 0f;
            }
        });
    }
}

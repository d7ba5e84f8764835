package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/** leaky_relu: out = x >= 0 ? x : slope * x elementwise, any shape; parallel over contiguous chunks. */
public final class LeakyReluCpu {
    private LeakyReluCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#leakyRelu} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, float slope) {
        final float[] o = out.data();
        final float[] in = x.data();
        par.forRange(x.size(), 1 << 15, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float v = in[i];
                o[i] = v >= 0f ? v : v * slope;
            }
        });
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/** mul: out = a * b elementwise, equal shapes; parallel over contiguous chunks. */
public final class MulCpu {
    private MulCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#mul} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor a, Tensor b) {
        final float[] o = out.data();
        final float[] x = a.data();
        final float[] y = b.data();
        par.forRange(a.size(), 1 << 15, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                o[i] = x[i] * y[i];
            }
        });
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Gelu;
import io.github.blurdm.runtime.Tensor;

/** gelu (erf form): out = x/2 (1 + erf(x/sqrt 2)) elementwise, any shape; parallel over chunks. */
public final class GeluCpu {
    private GeluCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#gelu} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x) {
        final float[] o = out.data();
        final float[] in = x.data();
        par.forRange(x.size(), 1 << 13, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                o[i] = Gelu.apply(in[i]);
            }
        });
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/** global_avg_pool: out[n,c] = mean over (h,w) of x[n,c,h,w], summed in double. Parallel over planes. */
public final class GlobalAvgPoolCpu {
    private GlobalAvgPoolCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#globalAvgPool} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int plane = x.dim(2) * x.dim(3);
        par.forEach(x.dim(0) * x.dim(1), nc -> {
            double s = 0;
            int base = nc * plane;
            for (int i = base; i < base + plane; i++) {
                s += in[i];
            }
            o[nc] = (float) (s / plane);
        });
    }
}

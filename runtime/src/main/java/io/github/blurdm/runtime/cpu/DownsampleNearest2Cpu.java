package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/** downsample_nearest2: out[n,c,i,j] = x[n,c,2i,2j] (PyTorch nearest, scale 0.5). Parallel over planes. */
public final class DownsampleNearest2Cpu {
    private DownsampleNearest2Cpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#downsampleNearest2} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int h = x.dim(2);
        final int w = x.dim(3);
        final int ho = out.dim(2);
        final int wo = out.dim(3);
        par.forEach(x.dim(0) * x.dim(1), nc -> {
            int src = nc * h * w;
            int dst = nc * ho * wo;
            for (int i = 0; i < ho; i++) {
                int row = src + 2 * i * w;
                for (int j = 0; j < wo; j++) {
                    o[dst + i * wo + j] = in[row + 2 * j];
                }
            }
        });
    }
}

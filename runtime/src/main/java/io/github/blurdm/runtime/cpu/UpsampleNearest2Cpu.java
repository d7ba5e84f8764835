package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/** upsample_nearest2: out[n,c,y,x] = x[n,c,y/2,x/2] (every pixel repeated 2x2). Parallel over planes. */
public final class UpsampleNearest2Cpu {
    private UpsampleNearest2Cpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#upsampleNearest2} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int h = x.dim(2);
        final int w = x.dim(3);
        final int wo = 2 * w;
        par.forEach(x.dim(0) * x.dim(1), nc -> {
            int src = nc * h * w;
            int dst = nc * 4 * h * w;
            for (int i = 0; i < h; i++) {
                int row = dst + 2 * i * wo;
                for (int j = 0; j < w; j++) {
                    float v = in[src + i * w + j];
                    o[row + 2 * j] = v;
                    o[row + 2 * j + 1] = v;
                }
                System.arraycopy(o, row, o, row + wo, wo);
            }
        });
    }
}

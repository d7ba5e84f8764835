package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/**
 * reflect_pad of the last two dims (mirror without repeating the edge: index -1 reads 1, index H
 * reads H-2). Parallel over planes.
 */
public final class ReflectPadCpu {
    private ReflectPadCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#reflectPad} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, int top, int left) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int h = x.dim(-2);
        final int w = x.dim(-1);
        final int ho = out.dim(-2);
        final int wo = out.dim(-1);
        final int[] cols = new int[wo];
        for (int j = 0; j < wo; j++) {
            cols[j] = reflect(j - left, w);
        }
        par.forEach(x.size() / (h * w), plane -> {
            int src = plane * h * w;
            int dst = plane * ho * wo;
            for (int i = 0; i < ho; i++) {
                int row = src + reflect(i - top, h) * w;
                int orow = dst + i * wo;
                for (int j = 0; j < wo; j++) {
                    o[orow + j] = in[row + cols[j]];
                }
            }
        });
    }

    static int reflect(int i, int n) {
        if (i < 0) {
            return -i;
        }
        return i >= n ? 2 * (n - 1) - i : i;
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/** pixel_shuffle: out[n, c, r*y + i, r*x + j] = x[n, c*r*r + i*r + j, y, x]. Parallel over input planes. */
public final class PixelShuffleCpu {
    private PixelShuffleCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#pixelShuffle} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, int r) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int cin = x.dim(1);
        final int h = x.dim(2);
        final int w = x.dim(3);
        final int c = cin / (r * r);
        final int wo = w * r;
        final int ho = h * r;
        par.forEach(x.dim(0) * cin, job -> {
            int n = job / cin;
            int ic = job % cin;
            int oc = ic / (r * r);
            int i = (ic / r) % r;
            int j = ic % r;
            int src = job * h * w;
            int dst = (n * c + oc) * ho * wo;
            for (int y = 0; y < h; y++) {
                int row = dst + (r * y + i) * wo + j;
                for (int xx = 0; xx < w; xx++) {
                    o[row + r * xx] = in[src + y * w + xx];
                }
            }
        });
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/** pixel_unshuffle: out[n, c*r*r + i*r + j, y, x] = x[n, c, r*y + i, r*x + j]. Parallel over output planes. */
public final class PixelUnshuffleCpu {
    private PixelUnshuffleCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#pixelUnshuffle} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, int r) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int c = x.dim(1);
        final int h = x.dim(2);
        final int w = x.dim(3);
        final int ho = h / r;
        final int wo = w / r;
        final int cout = c * r * r;
        par.forEach(x.dim(0) * cout, job -> {
            int n = job / cout;
            int oc = job % cout;
            int ic = oc / (r * r);
            int i = (oc / r) % r;
            int j = oc % r;
            int src = (n * c + ic) * h * w;
            int dst = job * ho * wo;
            for (int y = 0; y < ho; y++) {
                int row = src + (r * y + i) * w + j;
                for (int xx = 0; xx < wo; xx++) {
                    o[dst + y * wo + xx] = in[row + r * xx];
                }
            }
        });
    }
}

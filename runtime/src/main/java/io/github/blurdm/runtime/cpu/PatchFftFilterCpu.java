package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/**
 * patch_fft_filter (FFTformer's DFFN filter): out = irfft2(rfft2(patch) * filter[c]) on every 8x8 patch of
 * x [N,C,H,W], in its exact real form: a circular convolution of each patch with the channel's real 8x8
 * kernel ({@link Patch8#filterKernel}, computed in double), summed in double. The plain reference loop:
 * 64 multiply-adds per value. Parallel over (n, c) planes.
 */
public final class PatchFftFilterCpu {
    private PatchFftFilterCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#patchFftFilter} on the CPU: the scalar reference loop. */
    public static void forward(Parallel par, Tensor out, Tensor x, Tensor filter) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int c = x.dim(1);
        final int h = x.dim(2);
        final int w = x.dim(3);
        final double[][] kernels = new double[c][];
        for (int ch = 0; ch < c; ch++) {
            kernels[ch] = Patch8.filterKernel(filter.data(), ch);
        }
        par.forEach(x.dim(0) * c, plane -> {
            double[] k = kernels[plane % c];
            int base = plane * h * w;
            for (int py = 0; py < h; py += Patch8.P) {
                for (int px = 0; px < w; px += Patch8.P) {
                    int off = base + py * w + px;
                    Patch8.circularConvolve(in, off, w, k, o, off);
                }
            }
        });
    }
}

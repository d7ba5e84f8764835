package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/**
 * resize_bilinear, align_corners=False, as PyTorch's CPU kernel computes it in float: source
 * coordinate {@code max(0, ratio*(dst+0.5)-0.5)}, lower index truncated, upper index clamped to the
 * edge, result {@code wh0*(ww0*x00 + ww1*x01) + wh1*(ww0*x10 + ww1*x11)}. Parallel over planes.
 */
public final class ResizeBilinearCpu {
    private ResizeBilinearCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#resizeBilinear} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, float ratioH, float ratioW) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int h = x.dim(2);
        final int w = x.dim(3);
        final int ho = out.dim(2);
        final int wo = out.dim(3);
        final int[] y0 = new int[ho];
        final int[] y1 = new int[ho];
        final float[] wy0 = new float[ho];
        final float[] wy1 = new float[ho];
        weights(ratioH, h, y0, y1, wy0, wy1);
        final int[] x0 = new int[wo];
        final int[] x1 = new int[wo];
        final float[] wx0 = new float[wo];
        final float[] wx1 = new float[wo];
        weights(ratioW, w, x0, x1, wx0, wx1);
        par.forEach(x.dim(0) * x.dim(1), nc -> {
            int src = nc * h * w;
            int dst = nc * ho * wo;
            for (int i = 0; i < ho; i++) {
                int r0 = src + y0[i] * w;
                int r1 = src + y1[i] * w;
                for (int j = 0; j < wo; j++) {
                    float top = wx0[j] * in[r0 + x0[j]] + wx1[j] * in[r0 + x1[j]];
                    float bottom = wx0[j] * in[r1 + x0[j]] + wx1[j] * in[r1 + x1[j]];
                    o[dst + i * wo + j] = wy0[i] * top + wy1[i] * bottom;
                }
            }
        });
    }

    /** Lower/upper source index and their weights for each output index along one axis. */
    static void weights(float ratio, int inSize, int[] i0, int[] i1, float[] w0, float[] w1) {
        for (int d = 0; d < i0.length; d++) {
            float src = ratio * (d + 0.5f) - 0.5f;
            if (src < 0f) {
                src = 0f;
            }
            int lo = (int) src;
            if (lo > inSize - 1) {
                lo = inSize - 1;
            }
            i0[d] = lo;
            i1[d] = lo + (lo < inSize - 1 ? 1 : 0);
            float l1 = src - lo;
            w1[d] = l1;
            w0[d] = 1f - l1;
        }
    }
}

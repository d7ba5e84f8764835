package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/**
 * fsas_attention (FFTformer's FSAS core): out = v * LayerNorm_C(q (*) k) with (*) the circular convolution of
 * each 8x8 patch of q and k (= irfft2(rfft2(q) * rfft2(k))), q, k, v [N,C,H,W].
 * The plain reference loop: per (n, patch), every channel's 64 outputs summed in double into a [C][64]
 * buffer, then per pixel mean and biased variance over C (two passes, double), then the affine and the
 * gate. Parallel over (n, patch row).
 */
public final class FsasAttentionCpu {
    private FsasAttentionCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#fsasAttention} on the CPU: the scalar reference loop. */
    public static void forward(Parallel par, Tensor out, Tensor q, Tensor k, Tensor v, Tensor weight, Tensor bias,
                               float eps) {
        final float[] o = out.data();
        final float[] qd = q.data();
        final float[] kd = k.data();
        final float[] vd = v.data();
        final float[] g = weight == null ? null : weight.data();
        final float[] bb = bias == null ? null : bias.data();
        final int c = out.dim(1);
        final int h = out.dim(2);
        final int w = out.dim(3);
        final int bands = h / Patch8.P;
        par.forEach(out.dim(0) * bands, job -> band(qd, kd, vd, o, g, bb, eps, c, h, w, job / bands,
                (job % bands) * Patch8.P, 0, w));
    }

    /**
     * The patches of one band (patch row {@code py}) of image {@code n} from column {@code px0} to {@code px1}
     * (multiples of 8); the vector path sends its tail here.
     */
    static void band(float[] qd, float[] kd, float[] vd, float[] o, float[] g, float[] bb, float eps, int c, int h,
                     int w, int n, int py, int px0, int px1) {
        int plane = h * w;
        double[] conv = new double[c * 64];
        double[] kern = new double[64];
        for (int px = px0; px < px1; px += Patch8.P) {
            int pix0 = py * w + px;
            for (int ch = 0; ch < c; ch++) {
                int q = (n * c + ch) * plane + pix0;
                for (int a = 0; a < 8; a++) {
                    for (int b = 0; b < 8; b++) {
                        kern[a * 8 + b] = kd[q + a * w + b];
                    }
                }
                for (int m = 0; m < 8; m++) {
                    for (int nn = 0; nn < 8; nn++) {
                        double s = 0;
                        for (int a = 0; a < 8; a++) {
                            int kr = ((m - a) & 7) * 8;
                            for (int b = 0; b < 8; b++) {
                                s += qd[q + a * w + b] * kern[kr + ((nn - b) & 7)];
                            }
                        }
                        conv[ch * 64 + m * 8 + nn] = (float) s;   // PyTorch's product is float
                    }
                }
            }
            for (int p = 0; p < 64; p++) {
                double mean = 0;
                for (int ch = 0; ch < c; ch++) {
                    mean += conv[ch * 64 + p];
                }
                mean /= c;
                double var = 0;
                for (int ch = 0; ch < c; ch++) {
                    double d = conv[ch * 64 + p] - mean;
                    var += d * d;
                }
                double inv = 1.0 / Math.sqrt(var / c + eps);
                int pix = pix0 + (p >> 3) * w + (p & 7);
                for (int ch = 0; ch < c; ch++) {
                    float y = (float) ((conv[ch * 64 + p] - mean) * inv);
                    if (g != null) {
                        y = y * g[ch];
                    }
                    if (bb != null) {
                        y = y + bb[ch];
                    }
                    o[(n * c + ch) * plane + pix] = vd[(n * c + ch) * plane + pix] * y;
                }
            }
        }
    }
}

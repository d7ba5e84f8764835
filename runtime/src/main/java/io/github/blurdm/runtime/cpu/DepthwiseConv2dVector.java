package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * depthwise_conv2d, Vector API fast path (same contract as {@link DepthwiseConv2dCpu}, the reference): each
 * (n, c) plane is copied once into a zero-bordered buffer (k/2 on every side), then every output row is
 * k*k fused multiply-adds of shifted row vectors with the channel's taps broadcast, the row's last
 * pixels in scalar. Parallel over (n, c) planes, which FFTformer has many of (6*dim channels).
 */
final class DepthwiseConv2dVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private DepthwiseConv2dVector() {
    }

    static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias) {
        final float[] o = out.data();
        final float[] in = x.data();
        final float[] wt = weight.data();
        final float[] b = bias == null ? null : bias.data();
        final int c = x.dim(1);
        final int h = x.dim(2);
        final int w = x.dim(3);
        final int k = weight.dim(2);
        final int pad = k / 2;
        final int pw = w + 2 * pad;
        final int ph = h + 2 * pad;
        final int bound = S.loopBound(w);
        par.forEach(x.dim(0) * c, plane -> {
            int ch = plane % c;
            int base = plane * h * w;
            float[] buf = Scratch.get(Scratch.Slot.JOB_A, ph * pw);
            java.util.Arrays.fill(buf, 0, pad * pw, 0f);
            java.util.Arrays.fill(buf, (pad + h) * pw, ph * pw, 0f);
            for (int y = 0; y < h; y++) {
                int row = (y + pad) * pw;
                java.util.Arrays.fill(buf, row, row + pad, 0f);
                System.arraycopy(in, base + y * w, buf, row + pad, w);
                java.util.Arrays.fill(buf, row + pad + w, row + pw, 0f);
            }
            float bias0 = b == null ? 0f : b[ch];
            int wb = ch * k * k;
            for (int y = 0; y < h; y++) {
                if (k == 3) {
                    row3x3(buf, y * pw, pw, wt, wb, bias0, o, base + y * w, w, bound);
                } else {
                    rowAnyK(buf, y * pw, pw, wt, wb, k, bias0, o, base + y * w, w, bound);
                }
            }
        });
    }

    /**
     * One output row of a 3x3 kernel from the padded buffer (rows src, src + pw, src + 2 pw): 9 FMAs per vector
     * with the taps held in registers; the tail in scalar. Written out: a vector carried around the loops of
     * a runtime kernel size became a heap object per tap (5x slower, measured).
     */
    private static void row3x3(float[] p, int src, int pw, float[] wt, int wb, float bias, float[] o, int dst, int w,
                               int bound) {
        FloatVector w0 = FloatVector.broadcast(S, wt[wb]);
        FloatVector w1 = FloatVector.broadcast(S, wt[wb + 1]);
        FloatVector w2 = FloatVector.broadcast(S, wt[wb + 2]);
        FloatVector w3 = FloatVector.broadcast(S, wt[wb + 3]);
        FloatVector w4 = FloatVector.broadcast(S, wt[wb + 4]);
        FloatVector w5 = FloatVector.broadcast(S, wt[wb + 5]);
        FloatVector w6 = FloatVector.broadcast(S, wt[wb + 6]);
        FloatVector w7 = FloatVector.broadcast(S, wt[wb + 7]);
        FloatVector w8 = FloatVector.broadcast(S, wt[wb + 8]);
        FloatVector bv = FloatVector.broadcast(S, bias);
        int r1 = src + pw;
        int r2 = src + 2 * pw;
        int x = 0;
        for (; x < bound; x += S.length()) {
            FloatVector acc = FloatVector.fromArray(S, p, src + x).fma(w0, bv);
            acc = FloatVector.fromArray(S, p, src + x + 1).fma(w1, acc);
            acc = FloatVector.fromArray(S, p, src + x + 2).fma(w2, acc);
            acc = FloatVector.fromArray(S, p, r1 + x).fma(w3, acc);
            acc = FloatVector.fromArray(S, p, r1 + x + 1).fma(w4, acc);
            acc = FloatVector.fromArray(S, p, r1 + x + 2).fma(w5, acc);
            acc = FloatVector.fromArray(S, p, r2 + x).fma(w6, acc);
            acc = FloatVector.fromArray(S, p, r2 + x + 1).fma(w7, acc);
            acc = FloatVector.fromArray(S, p, r2 + x + 2).fma(w8, acc);
            acc.intoArray(o, dst + x);
        }
        for (; x < w; x++) {
            float s = bias;
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    s += wt[wb + ky * 3 + kx] * p[src + ky * pw + x + kx];
                }
            }
            o[dst + x] = s;
        }
    }

    /** One output row of any odd k: the bias, then one pass over the row per tap, accumulating in the output. */
    private static void rowAnyK(float[] p, int src, int pw, float[] wt, int wb, int k, float bias, float[] o, int dst,
                                int w, int bound) {
        java.util.Arrays.fill(o, dst, dst + w, bias);
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                FloatVector tap = FloatVector.broadcast(S, wt[wb + ky * k + kx]);
                int from = src + ky * pw + kx;
                int x = 0;
                for (; x < bound; x += S.length()) {
                    FloatVector.fromArray(S, p, from + x).fma(tap, FloatVector.fromArray(S, o, dst + x))
                            .intoArray(o, dst + x);
                }
                for (; x < w; x++) {
                    o[dst + x] += wt[wb + ky * k + kx] * p[from + x];
                }
            }
        }
    }
}

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
                int dst = base + y * w;
                int xx = 0;
                for (; xx < bound; xx += S.length()) {
                    FloatVector acc = FloatVector.broadcast(S, bias0);
                    for (int ky = 0; ky < k; ky++) {
                        int src = (y + ky) * pw + xx;
                        for (int kx = 0; kx < k; kx++) {
                            acc = FloatVector.fromArray(S, buf, src + kx).fma(FloatVector.broadcast(S, wt[wb + ky * k + kx]), acc);
                        }
                    }
                    acc.intoArray(o, dst + xx);
                }
                for (; xx < w; xx++) {
                    float s = bias0;
                    for (int ky = 0; ky < k; ky++) {
                        int src = (y + ky) * pw + xx;
                        for (int kx = 0; kx < k; kx++) {
                            s += wt[wb + ky * k + kx] * buf[src + kx];
                        }
                    }
                    o[dst + xx] = s;
                }
            }
        });
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/**
 * depthwise_conv2d: out[n,c] = bias[c] + conv(x[n,c], weight[c,0]) with a k x k kernel (k odd), stride 1,
 * zero padding k/2. The plain reference loop (taps outside the map skipped), summed in float in tap order
 * as a direct convolution does. Parallel over (n, c) planes.
 */
public final class DepthwiseConv2dCpu {
    private DepthwiseConv2dCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#depthwiseConv2d} on the CPU: the scalar reference loop. */
    public static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias) {
        final float[] o = out.data();
        final float[] in = x.data();
        final float[] wt = weight.data();
        final float[] b = bias == null ? null : bias.data();
        final int c = x.dim(1);
        final int h = x.dim(2);
        final int w = x.dim(3);
        final int k = weight.dim(2);
        final int pad = k / 2;
        par.forEach(x.dim(0) * c, plane -> {
            int ch = plane % c;
            int base = plane * h * w;
            int wb = ch * k * k;
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    float s = 0f;
                    for (int ky = 0; ky < k; ky++) {
                        int iy = y + ky - pad;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        for (int kx = 0; kx < k; kx++) {
                            int ix = xx + kx - pad;
                            if (ix >= 0 && ix < w) {
                                s += wt[wb + ky * k + kx] * in[base + iy * w + ix];
                            }
                        }
                    }
                    o[base + y * w + xx] = b == null ? s : s + b[ch];
                }
            }
        });
    }
}

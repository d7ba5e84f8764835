package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Tensor;

/**
 * conv2d, scalar reference: out[N,Cout,Ho,Wo] = act(sum_{ci,ky,kx} w[co,ci,ky,kx] * x[n, g*Cin/g + ci,
 * oy*s - p + ky*d, ox*s - p + kx*d] + bias[co]), zero padding. Parallel over (n, co); any kernel size,
 * stride, padding, dilation and groups. The plain loop every faster path is tested against.
 */
public final class Conv2dCpu {
    private Conv2dCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#conv2d} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        final float[] o = out.data();
        final float[] in = x.data();
        final float[] w = weight.data();
        final float[] b = bias == null ? null : bias.data();
        final int n = x.dim(0);
        final int cin = x.dim(1);
        final int h = x.dim(2);
        final int wd = x.dim(3);
        final int cout = out.dim(1);
        final int ho = out.dim(2);
        final int wo = out.dim(3);
        final int kh = weight.dim(2);
        final int kw = weight.dim(3);
        final int g = p.groups();
        final int cinG = cin / g;
        final int coutG = cout / g;
        final Activation act = p.activation();
        par.forEach(n * cout, job -> {
            int img = job / cout;
            int co = job % cout;
            int grp = co / coutG;
            int outBase = (img * cout + co) * ho * wo;
            float bv = b == null ? 0f : b[co];
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    float acc = 0f;
                    for (int ci = 0; ci < cinG; ci++) {
                        int inBase = (img * cin + grp * cinG + ci) * h * wd;
                        int wBase = (co * cinG + ci) * kh * kw;
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                                if (ix < 0 || ix >= wd) {
                                    continue;
                                }
                                acc += w[wBase + ky * kw + kx] * in[inBase + iy * wd + ix];
                            }
                        }
                    }
                    o[outBase + oy * wo + ox] = act.apply(acc + bv);
                }
            }
        });
    }
}

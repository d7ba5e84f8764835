package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Tensor;

/**
 * conv_transpose2d, scalar reference, written as a gather so each output is owned by one thread:
 * out[n,co,oy,ox] = act(bias[co] + sum over ci in co's group and (ky,kx) with oy = iy*s - p + ky*d,
 * ox = ix*s - p + kx*d of x[n,ci,iy,ix] * w[ci, co % Cout/g, ky, kx]). Parallel over (n, co).
 */
public final class ConvTranspose2dCpu {
    private ConvTranspose2dCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#convTranspose2d} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias,
                               ConvTranspose2dParams p) {
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
        final int sh = p.strideH();
        final int sw = p.strideW();
        final Activation act = p.activation();
        par.forEach(n * cout, job -> {
            int img = job / cout;
            int co = job % cout;
            int grp = co / coutG;
            int col = co % coutG;
            int outBase = (img * cout + co) * ho * wo;
            float bv = b == null ? 0f : b[co];
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    float acc = 0f;
                    for (int ci = grp * cinG; ci < (grp + 1) * cinG; ci++) {
                        int inBase = (img * cin + ci) * h * wd;
                        int wBase = (ci * coutG + col) * kh * kw;
                        for (int ky = 0; ky < kh; ky++) {
                            int ty = oy + p.padH() - ky * p.dilationH();
                            if (ty < 0 || ty % sh != 0 || ty / sh >= h) {
                                continue;
                            }
                            int iy = ty / sh;
                            for (int kx = 0; kx < kw; kx++) {
                                int tx = ox + p.padW() - kx * p.dilationW();
                                if (tx < 0 || tx % sw != 0 || tx / sw >= wd) {
                                    continue;
                                }
                                acc += w[wBase + ky * kw + kx] * in[inBase + iy * wd + tx / sw];
                            }
                        }
                    }
                    o[outBase + oy * wo + ox] = act.apply(acc + bv);
                }
            }
        });
    }
}

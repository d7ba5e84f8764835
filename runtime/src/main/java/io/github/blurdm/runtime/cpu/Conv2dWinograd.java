package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * conv2d 3x3, stride 1, padding 1, no dilation, one group (every conv inside MIMO-UNet's ResBlocks)
 * by Winograd's minimal filtering F(2, 3) (Lavin and Gray, 2016) down the columns: each pair of output
 * rows is {@code A^T [sum_{ci,kx} (G g[.,kx]) . (B^T d)]} of the 4 input rows d around it, the
 * horizontal taps still direct. That is 4 products of 3 Cin taps per 2 output rows, so 6 instead of 9
 * multiply-adds per output pixel and channel pair, while every transform runs on contiguous rows.
 * Same contract as {@link Conv2dCpu}; {@link #applies} says which convolutions it takes.
 *
 * <p>A job is (image, pair of output rows). It transforms the 4 input rows of every input channel
 * into V[4][Cin][W+2] (zero columns either side; B^T: d0 - d2, d1 + d2, d2 - d1, d1 - d3), then for
 * each block of output channels runs the 4 products M[a] = U[a] V[a] with the direct path's register
 * tile ({@link ConvRowKernel#run}, taps (ci, kx) over the row) and writes
 * {@code act(M0 + M1 + M2 + bias)} and {@code act(M1 - M2 - M3 + bias)} as the two output rows.
 *
 * <p>Numerics: the transforms only add and subtract, G's halves are applied to the weights in
 * double, so results differ from the direct sum by rounding only (rel-L2 below 1e-6, VectorPathsTest).
 *
 * <p>Measured (2 threads, Zen 3 EPYC, AVX2, 4x2 tile; the small model's shapes at 1280x720, ms per
 * call, direct / this): 16x720x1280 82-103 / 55-72, 32x360x640 59-77 / 33-42, 64x180x320 50-53 /
 * 41-45; where the direct path already runs from cache at 85 GF/s (32x256x256, 128x64x64) the two
 * are even. Also tried: the full 2-D F(2x2, 3x3) (2.25x fewer multiply-adds). Its tiles need the
 * input split into even and odd columns and the outputs interleaved back; done with scalar copies or
 * with two-vector shuffles those passes cost more than the products saved (16x720x1280: 190-250 ms on
 * one thread against 150 direct), so it was dropped.
 */
final class Conv2dWinograd {
    private static final VectorSpecies<Float> S = ConvRowKernel.S;
    private static final int L = ConvRowKernel.L;

    /** {@code -Dblurdm.conv.winograd=false} keeps every conv on the direct path. */
    static final boolean ENABLED = !"false".equals(System.getProperty("blurdm.conv.winograd"));

    /**
     * Fewest input and output channels taken ({@code -Dblurdm.conv.winograd.min}): 3->16 and 16->3
     * measured even with the direct path.
     */
    static final int MIN_CHANNELS = Integer.getInteger("blurdm.conv.winograd.min", 8);

    private Conv2dWinograd() {
    }

    /** True when this path computes {@code conv2d(x, weight, p)} and is enabled. */
    static boolean applies(Tensor x, Tensor weight, Conv2dParams p) {
        return ENABLED && weight.dim(2) == 3 && weight.dim(3) == 3 && p.groups() == 1
                && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 1 && p.padW() == 1
                && p.dilationH() == 1 && p.dilationW() == 1
                && x.dim(1) >= MIN_CHANNELS && weight.dim(0) >= MIN_CHANNELS;
    }

    /** {@link io.github.blurdm.runtime.Backend#conv2d} for a convolution {@link #applies} accepts, with the given tile. */
    static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p,
                        ConvRowKernel.Tile tile) {
        final float[] o = out.data();
        final float[] xd = x.data();
        final float[] b = bias == null ? null : bias.data();
        final int n = x.dim(0);
        final int cin = x.dim(1);
        final int h = x.dim(2);
        final int wd = x.dim(3);
        final int cout = out.dim(1);
        final Activation act = p.activation();
        final int pairs = (h + 1) / 2;
        final int wpd = wd + 2;
        final int nk = 3 * cin;
        final float[] u = transformWeightRows(tile, weight.data(), cout, cin);
        final int[] taps = new int[nk];
        for (int ci = 0, k = 0; ci < cin; ci++) {
            for (int kx = 0; kx < 3; kx++, k++) {
                taps[k] = ci * wpd + kx;
            }
        }
        final int cbMax = tile.channels;
        long work = (long) cout * nk * 4 * wd;
        int grain = (int) Math.max(1, 65536 / Math.max(1, work));
        par.forRange(n * pairs, grain, (j0, j1) -> {
            float[] v = new float[4 * cin * wpd]; // borders (columns 0 and wd+1) stay zero
            float[] m = new float[4 * cbMax * wd];
            float[] zero = new float[wd];
            for (int job = j0; job < j1; job++) {
                int ty = job % pairs;
                int img = job / pairs;
                for (int ci = 0; ci < cin; ci++) {
                    int plane = (img * cin + ci) * h * wd;
                    int y0 = 2 * ty - 1;
                    float[] s0 = y0 >= 0 ? xd : zero;
                    float[] s3 = y0 + 3 < h ? xd : zero;
                    float[] s2 = y0 + 2 < h ? xd : zero;
                    int o0 = y0 >= 0 ? plane + y0 * wd : 0;
                    int o1 = plane + (y0 + 1) * wd;
                    int o2 = y0 + 2 < h ? plane + (y0 + 2) * wd : 0;
                    int o3 = y0 + 3 < h ? plane + (y0 + 3) * wd : 0;
                    columnTransform(s0, o0, xd, o1, s2, o2, s3, o3, v, ci * wpd + 1, cin * wpd, wd);
                }
                int co = 0;
                while (co < cout) {
                    int cb = ConvRowKernel.blockAt(tile, cout - co);
                    for (int a = 0; a < 4; a++) {
                        ConvRowKernel.run(tile, cb, v, a * cin * wpd, taps, nk, u, (a * cout + co) * nk,
                                m, a * cbMax * wd, wd, wd, null, 0, Activation.NONE);
                    }
                    for (int cc = 0; cc < cb; cc++) {
                        float bv = b == null ? 0f : b[co + cc];
                        int dst = ((img * cout + co + cc) * h + 2 * ty) * wd;
                        rowsOut(m, cc * wd, cbMax * wd, wd, bv, act, o, dst, 2 * ty + 1 < h);
                    }
                    co += cb;
                }
            }
        });
    }

    /** v[a*vStride + vOff + j] = (B^T d)[a] of the 4 rows d0..d3 (arrays and offsets), j in [0, len). */
    private static void columnTransform(float[] s0, int o0, float[] s1, int o1, float[] s2, int o2, float[] s3, int o3,
                                        float[] v, int vOff, int vStride, int len) {
        int j = 0;
        for (; j + L <= len; j += L) {
            FloatVector d0 = FloatVector.fromArray(S, s0, o0 + j);
            FloatVector d1 = FloatVector.fromArray(S, s1, o1 + j);
            FloatVector d2 = FloatVector.fromArray(S, s2, o2 + j);
            FloatVector d3 = FloatVector.fromArray(S, s3, o3 + j);
            int d = vOff + j;
            d0.sub(d2).intoArray(v, d);
            d1.add(d2).intoArray(v, d + vStride);
            d2.sub(d1).intoArray(v, d + 2 * vStride);
            d1.sub(d3).intoArray(v, d + 3 * vStride);
        }
        for (; j < len; j++) {
            float d0 = s0[o0 + j];
            float d1 = s1[o1 + j];
            float d2 = s2[o2 + j];
            float d3 = s3[o3 + j];
            int d = vOff + j;
            v[d] = d0 - d2;
            v[d + vStride] = d1 + d2;
            v[d + 2 * vStride] = d2 - d1;
            v[d + 3 * vStride] = d1 - d3;
        }
    }

    /** Output rows dst (and dst + len when {@code second}) = act(A^T M + bias) of one channel's M[a] at mOff + a*mStride. */
    private static void rowsOut(float[] m, int mOff, int mStride, int len, float bias, Activation act, float[] o,
                                int dst, boolean second) {
        Activation.Kind kind = act.kind();
        float slope = act.slope();
        int j = 0;
        if (kind != Activation.Kind.GELU) {
            for (; j + L <= len; j += L) {
                int i = mOff + j;
                FloatVector m1 = FloatVector.fromArray(S, m, i + mStride);
                FloatVector m2 = FloatVector.fromArray(S, m, i + 2 * mStride);
                FloatVector top = FloatVector.fromArray(S, m, i).add(m1).add(m2).add(bias);
                FloatVector bot = m1.sub(m2).sub(FloatVector.fromArray(S, m, i + 3 * mStride)).add(bias);
                if (kind == Activation.Kind.RELU) {
                    top = top.max(0f);
                    bot = bot.max(0f);
                } else if (kind == Activation.Kind.LEAKY_RELU) {
                    top = top.blend(top.mul(slope), top.compare(VectorOperators.LT, 0f));
                    bot = bot.blend(bot.mul(slope), bot.compare(VectorOperators.LT, 0f));
                }
                top.intoArray(o, dst + j);
                if (second) {
                    bot.intoArray(o, dst + len + j);
                }
            }
        }
        for (; j < len; j++) {
            int i = mOff + j;
            float m1 = m[i + mStride];
            float m2 = m[i + 2 * mStride];
            o[dst + j] = act.apply(m[i] + m1 + m2 + bias);
            if (second) {
                o[dst + len + j] = act.apply(m1 - m2 - m[i + 3 * mStride] + bias);
            }
        }
    }

    /** U[a][co][ci*3 + kx] = (G g[.., kx])[a] (vertical G only), each a's matrix packed for the tile at a*Cout*3Cin. */
    static float[] transformWeightRows(ConvRowKernel.Tile tile, float[] w, int cout, int cin) {
        int nk = 3 * cin;
        float[][] plain = new float[4][cout * nk];
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cin; ci++) {
                int g = (co * cin + ci) * 9;
                for (int kx = 0; kx < 3; kx++) {
                    double g0 = w[g + kx];
                    double g1 = w[g + 3 + kx];
                    double g2 = w[g + 6 + kx];
                    int k = co * nk + ci * 3 + kx;
                    plain[0][k] = (float) g0;
                    plain[1][k] = (float) ((g0 + g1 + g2) * 0.5);
                    plain[2][k] = (float) ((g0 - g1 + g2) * 0.5);
                    plain[3][k] = (float) g2;
                }
            }
        }
        float[] u = new float[4 * cout * nk];
        for (int a = 0; a < 4; a++) {
            System.arraycopy(ConvRowKernel.pack(tile, plain[a], cout, nk, cout), 0, u, a * cout * nk, cout * nk);
        }
        return u;
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * conv2d 3x3, stride 1, padding 1, no dilation, one group (every conv of MIMO-UNet's ResBlocks and
 * most of the others) by Winograd's minimal filtering F(4, 3) (Lavin and Gray, 2016) down the
 * columns: each 4 output rows are {@code A^T [sum_{ci,kx} (G g[.,kx]) . (B^T d)]} of the 6 input rows
 * d around them, the horizontal taps still direct. That is 6 products of 3 Cin taps per 4 output rows,
 * 4.5 instead of 9 multiply-adds per output pixel and channel pair, and every transform runs on
 * contiguous rows. Same contract as {@link Conv2dCpu}; {@link #applies} says which convolutions it takes.
 *
 * <p>A job is (image, 4 output rows, segment of columns). It copies the 6 input rows of each input
 * channel with a zero column either side and transforms them into V[6][Cin][seg+2], then for each
 * block of output channels runs the 6 products M[a] = U[a] V[a] with the direct path's register tile
 * ({@link ConvRowKernel#run}; taps (ci, kx) over the row) and writes the 4 output rows A^T M, then
 * bias and activation with the direct path's epilogue. Segments keep V within half of L2.
 *
 * <p>Numerics: the transforms scale by 2, 4, 5 and 8, and G's sixths and twenty-fourths are applied
 * to the weights in double, so results differ from the direct sum by rounding: rel-L2 up to 1.1e-6
 * in VectorPathsTest, up to 6.7e-7 against PyTorch's conv2d (op fixtures), the shipped models'
 * outputs 1.1-1.4e-7 from PyTorch's.
 *
 * <p>Measured (2026-11-27, 2 threads, Zen 3 EPYC, AVX2, 4x2 tile, the small model at 1280x720 in
 * ModelProfile, alternated runs; ms for all calls of each shape, direct / F(2, 3) / F(4, 3)):
 * 16x720x1280 (13 calls) 1000-1590 / 635-700 / 550-590; 32x360x640 (14) 930-1280 / 650-740 / 540-590;
 * 64x180x320 (15) 960-1070 / 755-780 / 595-615; whole warm run 3.8-5.8 / 3.1-3.2 / 2.5-3.0 s
 * (bench/RESULTS.md, whole pipeline against PyTorch: 2.8 s vs 7.7 s; MIMO-UNet+ at 256x256 3.1 vs 3.5 s).
 * Tried and dropped: F(2, 3) down the columns (2 output rows per 4 input rows, 6 multiply-adds;
 * slower, above), and the full 2-D F(2x2, 3x3) (4 multiply-adds), whose tiles need the input split
 * into even and odd columns and the outputs interleaved back: done with scalar copies or with
 * two-vector shuffles, those passes cost more than the products saved (16x720x1280: 190-250 ms on
 * one thread against 150 direct).
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

    /**
     * Bytes of V one job may hold: half of a 512 KB L2 ({@code -Dblurdm.conv.winograd.vbytes}). 64 KB to
     * 1 MB measured on the three MIMO shapes and 128x64x64 (best of 12, 2 threads): 256 KB best or within
     * the machine's noise of the best everywhere.
     */
    private static final int V_BYTES = Integer.getInteger("blurdm.conv.winograd.vbytes", 256 * 1024);

    private Conv2dWinograd() {
    }

    /** True when this path computes {@code conv2d(x, weight, p)} and is enabled. */
    static boolean applies(Tensor x, Tensor weight, Conv2dParams p) {
        return ENABLED && weight.dim(2) == 3 && weight.dim(3) == 3 && p.groups() == 1
                && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 1 && p.padW() == 1
                && p.dilationH() == 1 && p.dilationW() == 1
                && x.dim(1) >= MIN_CHANNELS && weight.dim(0) >= MIN_CHANNELS;
    }

    /** The backend's conv2d for a convolution {@link #applies} accepts, with the default register tile. */
    static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        forward(par, out, x, weight, bias, p, ConvRowKernel.DEFAULT);
    }

    /** With the given register tile (tests run every tile on any machine). */
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
        final int groups = (h + 3) / 4;
        final int most = Math.max(4 * L, V_BYTES / (4 * 6 * cin) - 2);
        final int segs = (wd + most - 1) / most;
        final int seg = (wd + segs - 1) / segs;
        final int rowLen = seg + 2;
        final int nk = 3 * cin;
        final float[] u = transformWeights(tile, weight.data(), cout, cin,
                Scratch.get(Scratch.Slot.WEIGHTS, 6 * cout * nk));
        final int[] taps = new int[nk];
        for (int ci = 0, k = 0; ci < cin; ci++) {
            for (int kx = 0; kx < 3; kx++, k++) {
                taps[k] = ci * rowLen + kx;
            }
        }
        final int cbMax = tile.channels;
        long work = (long) cout * nk * 6 * seg;
        int grain = (int) Math.max(1, 65536 / Math.max(1, work));
        par.forRange(n * groups * segs, grain, (j0, j1) -> {
            float[] v = Scratch.get(Scratch.Slot.JOB_A, 6 * cin * rowLen);
            float[] m = Scratch.get(Scratch.Slot.JOB_B, 6 * cbMax * seg);
            float[] rows = Scratch.get(Scratch.Slot.JOB_C, 6 * rowLen);
            for (int job = j0; job < j1; job++) {
                int sg = job % segs;
                int ty = (job / segs) % groups;
                int img = job / (segs * groups);
                int c0 = sg * seg;
                int len = Math.min(seg, wd - c0);
                for (int ci = 0; ci < cin; ci++) {
                    int plane = (img * cin + ci) * h * wd;
                    for (int r = 0; r < 6; r++) {
                        int iy = 4 * ty - 1 + r;
                        Conv2dVector.paddedRow(xd, iy < 0 || iy >= h ? -1 : plane + iy * wd, wd, c0 - 1, rows,
                                r * rowLen, rowLen);
                    }
                    columnTransform(rows, rowLen, v, ci * rowLen, cin * rowLen);
                }
                int co = 0;
                while (co < cout) {
                    int cb = ConvRowKernel.blockAt(tile, cout - co);
                    for (int a = 0; a < 6; a++) {
                        ConvRowKernel.run(tile, cb, v, a * cin * rowLen, taps, nk, u, (a * cout + co) * nk,
                                m, a * cbMax * seg, seg, len, null, 0, Activation.NONE);
                    }
                    for (int cc = 0; cc < cb; cc++) {
                        float bv = b == null ? 0f : b[co + cc];
                        int dst = ((img * cout + co + cc) * h + 4 * ty) * wd + c0;
                        rowsOut(m, cc * seg, cbMax * seg, len, bv, act, o, dst, wd, Math.min(4, h - 4 * ty));
                    }
                    co += cb;
                }
            }
        });
    }

    /**
     * v[a*vStride + vOff + j] = (B^T d)[a] of the 6 rows in {@code r} (rowLen apart), j in [0, rowLen).
     * B^T rows: (4,0,-5,0,1,0), (0,-4,-4,1,1,0), (0,4,-4,-1,1,0), (0,-2,-1,2,1,0), (0,2,-1,-2,1,0),
     * (0,4,0,-5,0,1).
     */
    private static void columnTransform(float[] r, int rowLen, float[] v, int vOff, int vStride) {
        int j = 0;
        for (; j + L <= rowLen; j += L) {
            FloatVector d0 = FloatVector.fromArray(S, r, j);
            FloatVector d1 = FloatVector.fromArray(S, r, rowLen + j);
            FloatVector d2 = FloatVector.fromArray(S, r, 2 * rowLen + j);
            FloatVector d3 = FloatVector.fromArray(S, r, 3 * rowLen + j);
            FloatVector d4 = FloatVector.fromArray(S, r, 4 * rowLen + j);
            FloatVector d5 = FloatVector.fromArray(S, r, 5 * rowLen + j);
            int d = vOff + j;
            FloatVector p = d4.sub(d2.mul(4f)); // d4 - 4 d2
            FloatVector q = d3.sub(d1.mul(4f)); // d3 - 4 d1
            FloatVector s = d4.sub(d2); // d4 - d2
            FloatVector t = d3.sub(d1).mul(2f); // 2 (d3 - d1)
            d0.mul(4f).sub(d2.mul(5f)).add(d4).intoArray(v, d);
            p.add(q).intoArray(v, d + vStride);
            p.sub(q).intoArray(v, d + 2 * vStride);
            s.add(t).intoArray(v, d + 3 * vStride);
            s.sub(t).intoArray(v, d + 4 * vStride);
            d1.mul(4f).sub(d3.mul(5f)).add(d5).intoArray(v, d + 5 * vStride);
        }
        for (; j < rowLen; j++) {
            float d0 = r[j];
            float d1 = r[rowLen + j];
            float d2 = r[2 * rowLen + j];
            float d3 = r[3 * rowLen + j];
            float d4 = r[4 * rowLen + j];
            float d5 = r[5 * rowLen + j];
            int d = vOff + j;
            float p = d4 - d2 * 4f;
            float q = d3 - d1 * 4f;
            float s = d4 - d2;
            float t = (d3 - d1) * 2f;
            v[d] = d0 * 4f - d2 * 5f + d4;
            v[d + vStride] = p + q;
            v[d + 2 * vStride] = p - q;
            v[d + 3 * vStride] = s + t;
            v[d + 4 * vStride] = s - t;
            v[d + 5 * vStride] = d1 * 4f - d3 * 5f + d5;
        }
    }

    /**
     * The first {@code outRows} of the 4 output rows at dst (w apart) = act(A^T M + bias) of one channel's
     * M[a] at mOff + a*mStride: A^T rows (1,1,1,1,1,0), (0,1,-1,2,-2,0), (0,1,1,4,4,0), (0,1,-1,8,-8,1),
     * then bias and activation by {@link ConvRowKernel#epilogue} over each row (in L1), as the direct path.
     */
    private static void rowsOut(float[] m, int mOff, int mStride, int len, float bias, Activation act, float[] o,
                                int dst, int w, int outRows) {
        int j = 0;
        if (outRows == 4) {
            for (; j + L <= len; j += L) {
                int i = mOff + j;
                FloatVector m1 = FloatVector.fromArray(S, m, i + mStride);
                FloatVector m2 = FloatVector.fromArray(S, m, i + 2 * mStride);
                FloatVector m3 = FloatVector.fromArray(S, m, i + 3 * mStride);
                FloatVector m4 = FloatVector.fromArray(S, m, i + 4 * mStride);
                FloatVector a = m1.add(m2);
                FloatVector bb = m1.sub(m2);
                FloatVector c = m3.add(m4);
                FloatVector d = m3.sub(m4);
                FloatVector.fromArray(S, m, i).add(a).add(c).intoArray(o, dst + j);
                bb.add(d.mul(2f)).intoArray(o, dst + w + j);
                a.add(c.mul(4f)).intoArray(o, dst + 2 * w + j);
                bb.add(d.mul(8f)).add(FloatVector.fromArray(S, m, i + 5 * mStride)).intoArray(o, dst + 3 * w + j);
            }
        }
        for (; j < len; j++) {
            int i = mOff + j;
            float m1 = m[i + mStride];
            float m2 = m[i + 2 * mStride];
            float m3 = m[i + 3 * mStride];
            float m4 = m[i + 4 * mStride];
            float a = m1 + m2;
            float bb = m1 - m2;
            float c = m3 + m4;
            float d = m3 - m4;
            o[dst + j] = m[i] + a + c;
            if (outRows > 1) {
                o[dst + w + j] = bb + d * 2f;
            }
            if (outRows > 2) {
                o[dst + 2 * w + j] = a + c * 4f;
            }
            if (outRows > 3) {
                o[dst + 3 * w + j] = bb + d * 8f + m[i + 5 * mStride];
            }
        }
        for (int r = 0; r < outRows; r++) {
            ConvRowKernel.epilogue(o, dst + r * w, len, bias, act);
        }
    }

    private static final double SIXTH = 1.0 / 6;

    /**
     * U[a][co][ci*3 + kx] = (G g[.., kx])[a] for F(4, 3), in double; G rows: (1/4, 0, 0),
     * (-1/6, -1/6, -1/6), (-1/6, 1/6, -1/6), (1/24, 1/12, 1/6), (1/24, -1/12, 1/6), (0, 0, 1).
     * Writes {@code u[0, 6*cout*3*cin)} and returns {@code u}.
     */
    static float[] transformWeights(ConvRowKernel.Tile tile, float[] w, int cout, int cin, float[] u) {
        // written straight into ConvRowKernel.pack's layout (one pass; with 6 separate packs this took
        // 1.9 ms per call at 128->128, 15% of the conv)
        int nk = 3 * cin;
        int step = cout * nk;
        int r = 0;
        while (r < cout) {
            int cb = ConvRowKernel.blockAt(tile, cout - r);
            for (int c = 0; c < cb; c++) {
                for (int ci = 0; ci < cin; ci++) {
                    int g = ((r + c) * cin + ci) * 9;
                    for (int kx = 0; kx < 3; kx++) {
                        double g0 = w[g + kx];
                        double g1 = w[g + 3 + kx];
                        double g2 = w[g + 6 + kx];
                        int at = r * nk + cb * (ci * 3 + kx) + c;
                        double even = (g0 + g2) * SIXTH;
                        double odd = g1 * SIXTH;
                        double quarter = g0 * 0.25 + g2;
                        u[at] = (float) (g0 * 0.25);
                        u[at + step] = (float) (-even - odd);
                        u[at + 2 * step] = (float) (-even + odd);
                        u[at + 3 * step] = (float) ((quarter + 0.5 * g1) * SIXTH); // g0/24 + g1/12 + g2/6
                        u[at + 4 * step] = (float) ((quarter - 0.5 * g1) * SIXTH);
                        u[at + 5 * step] = (float) g2;
                    }
                }
            }
            r += cb;
        }
        return u;
    }
}

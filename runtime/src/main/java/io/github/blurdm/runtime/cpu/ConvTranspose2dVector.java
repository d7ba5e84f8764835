package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Tensor;

/**
 * conv_transpose2d, Vector API fast path (same contract as {@link ConvTranspose2dCpu}, the reference):
 * out[N,Cout,Ho,Wo] = act(conv_transpose(x[N,Cin,H,W], w[Cin,Cout/g,kH,kW]) + bias).
 *
 * <p>Sub-pixel decomposition, valid for every stride, padding, dilation, output padding and group
 * count: the outputs of one phase (py, px) = (oy mod sH, ox mod sW) form a stride-1 correlation of
 * x with the taps (ky, kx) whose {@code py + padH - ky*dilH} is a multiple of sH, at input offset
 * {@code dy = (py + padH - ky*dilH) / sH} (likewise for x). For the 4x4 stride-2 pad-1 upsampling
 * of MIMO-UNet that is four 2x2 convolutions with Cin*4 taps each instead of a 16-tap scatter.
 * A job is (n, group, vertical phase, phase row): it copies the input rows that row reads, zero-padded
 * so every tap reads a contiguous in-range run, into a small row buffer (v2; v1 read a zero-padded
 * copy of the whole input, one allocation of x's size per call), and for each horizontal phase
 * {@link ConvRowKernel} computes the row for 4 output channels into a buffer that is then interleaved
 * into out.
 *
 * <p>v1. Predicted: about the speed of {@link Conv2dVector} per MAC, since the inner loop is
 * the same kernel; the interleaving store is O(outputs), negligible next to Cin*4 MACs per output.
 * Measured (2 threads, AMD EPYC Zen 4, JDK 17, quick harness, machine at load ~4 from another
 * build; 4x4 s2 p1 + bias, batch 1, 1.07 GFLOP each): 128-&gt;64 at 64x64 median 13.6 ms (min 9.8),
 * 64-&gt;32 at 128x128 median 10.8 ms (min 8.8), i.e. 80-120 GFLOP/s, like the 3x3 convs; scalar
 * reference 3-6 s; PyTorch 1.13 F.conv_transpose2d in the same minute 24 and 41 ms (median).
 */
final class ConvTranspose2dVector {
    private ConvTranspose2dVector() {
    }

    static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams p) {
        forward(par, out, x, weight, bias, p, ConvRowKernel.DEFAULT);
    }

    /** With the given register tile (tests run every tile on any machine). */
    static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams p,
                        ConvRowKernel.Tile tile) {
        final float[] o = out.data();
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

        // per phase: the taps and their input offsets
        final int[][] tyK = new int[sh][];
        final int[][] tyD = new int[sh][];
        final int[][] txK = new int[sw][];
        final int[][] txD = new int[sw][];
        phases(sh, kh, p.padH(), p.dilationH(), ho, h, tyK, tyD);
        int[] padX = phases(sw, kw, p.padW(), p.dilationW(), wo, wd, txK, txD);
        final int padL = padX[0];
        final int wp = wd + padX[0] + padX[1];
        final float[] src = x.data();
        final int plane = h * wd;

        final int phases = sh * sw;
        final int[][] taps = new int[phases][];
        final int[] packAt = new int[phases];
        int packed = 0;
        for (int py = 0; py < sh; py++) {
            for (int px = 0; px < sw; px++) {
                int ph = py * sw + px;
                packAt[ph] = packed;
                packed += cout * cinG * tyK[py].length * txK[px].length;
            }
        }
        // every phase's packed weights in one buffer, at packAt[phase]
        final float[] packs = Scratch.get(Scratch.Slot.WEIGHTS, packed);
        for (int py = 0; py < sh; py++) {
            for (int px = 0; px < sw; px++) {
                int ph = py * sw + px;
                int nty = tyK[py].length;
                int ntx = txK[px].length;
                int nk = cinG * nty * ntx;
                int[] tap = new int[nk];
                float[] wRows = Scratch.get(Scratch.Slot.WEIGHTS_GATHER, cout * nk);
                for (int ci = 0, k = 0; ci < cinG; ci++) {
                    for (int a = 0; a < nty; a++) {
                        for (int c = 0; c < ntx; c++, k++) {
                            tap[k] = (ci * nty + a) * wp + txD[px][c] + padL;
                            for (int co = 0; co < cout; co++) {
                                int grp = co / coutG;
                                int wIdx = (((grp * cinG + ci) * coutG + co % coutG) * kh + tyK[py][a]) * kw + txK[px][c];
                                wRows[co * nk + k] = w[wIdx];
                            }
                        }
                    }
                }
                taps[ph] = tap;
                ConvRowKernel.pack(tile, wRows, cout, nk, coutG, packs, packAt[ph]);
            }
        }

        final int mhMax = (ho + sh - 1) / sh;
        final int mwMax = (wo + sw - 1) / sw;
        final int outPlane = ho * wo;
        int maxTy = 0;
        for (int[] t : tyK) {
            maxTy = Math.max(maxTy, t.length);
        }
        final int rowsMax = maxTy;
        // a job is (image, group, vertical phase, phase row): it copies the cinG x nty input rows that
        // row reads into a small buffer (L2) once and runs every horizontal phase from it
        int jobs = n * g * sh * mhMax;
        long workPerRow = (long) coutG * cinG * Math.max(1, kh / sh) * kw * mwMax;
        int grain = (int) Math.max(1, 65536 / Math.max(1, workPerRow));
        par.forRange(jobs, grain, (j0, j1) -> {
            float[] tmp = Scratch.get(Scratch.Slot.JOB_A, 8 * mwMax);
            float[] rowBuf = Scratch.get(Scratch.Slot.JOB_B, cinG * rowsMax * wp);
            for (int job = j0; job < j1; job++) {
                int m = job % mhMax;
                int py = (job / mhMax) % sh;
                int grp = (job / (mhMax * sh)) % g;
                int img = job / (mhMax * sh * g);
                int oy = m * sh + py;
                if (oy >= ho) {
                    continue;
                }
                int nty = tyK[py].length;
                int base = (img * cin + grp * cinG) * plane;
                for (int ci = 0; ci < cinG; ci++) {
                    for (int a = 0; a < nty; a++) {
                        int y = m + tyD[py][a];
                        Conv2dVector.paddedRow(src, y < 0 || y >= h ? -1 : base + ci * plane + y * wd, wd, -padL,
                                rowBuf, (ci * nty + a) * wp, wp);
                    }
                }
                for (int px = 0; px < sw && px < wo; px++) {
                    int ph = py * sw + px;
                    int len = (wo - px + sw - 1) / sw;
                    int[] tap = taps[ph];
                    int nk = tap.length;
                    int co = grp * coutG;
                    int coEnd = co + coutG;
                    while (co < coEnd) {
                        int cb = ConvRowKernel.blockAt(tile, coEnd - co);
                        ConvRowKernel.run(tile, cb, rowBuf, 0, tap, nk, packs, packAt[ph] + co * nk, tmp, 0, len, len, b,
                                co, act);
                        for (int c = 0; c < cb; c++) {
                            int d = (img * cout + co + c) * outPlane + oy * wo + px;
                            int t = c * len;
                            for (int j = 0; j < len; j++) {
                                o[d + j * sw] = tmp[t + j];
                            }
                        }
                        co += cb;
                    }
                }
            }
        });
    }

    /**
     * For each phase q in [0,s): the kernel taps k with (q + pad - k*dil) divisible by s and their
     * input offsets (q + pad - k*dil)/s. Returns {before, after}: the zero padding x needs so that
     * every phase row m in [0, ceil((outLen-q)/s)) reads in range.
     */
    private static int[] phases(int s, int k, int pad, int dil, int outLen, int inLen, int[][] taps, int[][] offs) {
        int before = 0;
        int after = 0;
        for (int q = 0; q < s; q++) {
            int count = 0;
            for (int t = 0; t < k; t++) {
                if (Math.floorMod(q + pad - t * dil, s) == 0) {
                    count++;
                }
            }
            taps[q] = new int[count];
            offs[q] = new int[count];
            int rowsOut = q < outLen ? (outLen - q + s - 1) / s : 0;
            for (int t = 0, i = 0; t < k; t++) {
                int v = q + pad - t * dil;
                if (Math.floorMod(v, s) == 0) {
                    int d = Math.floorDiv(v, s);
                    taps[q][i] = t;
                    offs[q][i++] = d;
                    if (rowsOut > 0) {
                        before = Math.max(before, -d);
                        after = Math.max(after, rowsOut - 1 + d - (inLen - 1));
                    }
                }
            }
        }
        return new int[] {before, after};
    }
}

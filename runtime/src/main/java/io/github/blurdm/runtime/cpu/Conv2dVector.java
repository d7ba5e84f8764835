package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Tensor;

/**
 * conv2d, Vector API fast path (same contract as {@link Conv2dCpu}, which stays the reference):
 * out[N,Cout,Ho,Wo] = act(conv(x[N,Cin,H,W], w[Cout,Cin/g,kH,kW]) + bias). Every kernel size,
 * stride, padding, dilation and group count goes through one direct-convolution scheme: an output
 * row of one (n, group) is sum over taps k = (ci, ky, kx) of w[co,k] * (a contiguous run of input
 * pixels), computed by {@link ConvRowKernel} for a register tile of output channels x vectors of
 * pixels at a time (8x3 on AVX-512, 4x2 on AVX2; {@link ConvRowKernel.Tile}), 4 or 1 channel for the
 * rest of a group.
 * Parallel over (n, group, output row); each job loops over all output-channel blocks of its group
 * so the kH*Cin/g input rows it reads stay in L2 while one packed [K][block] weight block is in use.
 *
 * <p>How the input rows are made contiguous:
 * <ul>
 *   <li>1x1, stride 1, no padding: the whole plane is one long row, cut in segments small enough
 *       that a segment's Cin/g slices stay in L2; from 32 input channels each segment's slices are
 *       first copied side by side (one stream per copy instead of Cin/g streams in the kernel).
 *   <li>no padding: x itself, one output row at a time (vertical stride only moves the row base).
 *   <li>padding, horizontal stride 1 (3x3 same-size convs, dilated convs, depthwise 3x3): per
 *       output row, the Cin/g*kH input rows it reads are copied into a zero-bordered row buffer,
 *       so the inner loop has no border tests.
 *   <li>horizontal stride &gt; 1 (3x3 stride 2 downsampling): per output row, the taps are gathered
 *       (from x or the row buffer) into a column buffer [K][Wo] (im2col of one row), then the same
 *       kernel runs on it.
 * </ul>
 *
 * <p>Versions (2 threads, AMD EPYC Zen 4 with AVX-512 so 16 float lanes, JDK 17; 3x3 s1 p1 + bias,
 * batch 1, the three MIMO-UNet shapes, each 1.21 GFLOP; PyTorch 1.13 (oneDNN) takes about 6-15 ms
 * for them on this machine). Timings from a quick harness while another build was loading the
 * 2 cores, so medians are noisy; minima are quoted too. bench/RESULTS.md has the JMH numbers.
 * <ul>
 *   <li>v1: padded copy + 4 channels x 3 vectors (12 accumulators), bias and activation fused
 *       into the vector stores. Predicted 3-5x slower than oneDNN. Measured: median 17-30 ms,
 *       min 11-15 ms (40-70 GFLOP/s).
 *   <li>v2: 8 channels x 3 vectors (24 accumulators): half the input loads per FMA.
 *       Predicted 1.3-1.5x over v1. First measured 10x <em>slower</em> (6-10 GFLOP/s): with the
 *       fused epilogue the method outgrew C2's inlining budget and the Vector API calls fell back
 *       to boxed objects. With raw stores and the epilogue as a separate pass over the row:
 *       min 6.5-8.3 ms, median 8-10 ms when the machine was quieter (120-155 GFLOP/s), about
 *       PyTorch's speed. The 4-channel block with the split epilogue also got faster (min 7-10 ms),
 *       so most of v1's loss was the epilogue, not the block size; {@code -Dblurdm.conv.tile=4x3}
 *       selects it for comparison.
 *   <li>v3: no padded copy of x; each job copies the Cin*kH input rows of its output row
 *       into a small zero-bordered buffer (3x the copying for 3x3, but into L1/L2 and with no
 *       8.5 MB allocation per call at 32x256x256). Predicted 5-15% at 32x256x256, nothing at the
 *       smaller planes. Measured with the machine at load 4-6 (alternating runs, 60 calls each):
 *       32x256x256 min 6.8-7.0 ms vs 8.3-8.7 ms with v2's copy; 128x64x64 indistinguishable in
 *       the noise. {@code -Dblurdm.conv.rowpad=false} selects v2's copy.
 * </ul>
 * Not done: K-blocking over input channels for L1 reuse, a packed-GEMM path for 1x1 convs.
 *
 * <p>On AVX2 (2 cores of a Zen 3 EPYC, 8 float lanes, 2026-11-27, JMH with the machine otherwise idle)
 * the 8x3 tile was 2-2.8x slower than PyTorch's oneDNN for 32 and 64 channels (64x180x320: 73-83 ms vs
 * 31.5 ms; 32x256x256: 23 ms vs 10.2 ms; about 50 GFLOP/s vs 120-135) and faster for 16 channels
 * (16x720x1280: 95-103 ms vs 160 ms). The 4x3 tile measured the same, and JDK 25 the same as JDK 17.
 * The cause (2026-11-27, perf + the JIT's code read with gdb): with 16 vector registers C2 spilled
 * accumulators of both tiles to the stack, so each tap's FMAs waited on store-to-load round trips.
 * The 4x2 tile has no spills: one thread 37-39 -> 65-70 GFLOP/s on the same rows (ConvRowKernel).
 * v4 (this) picks 4x2 unless vectors are 512 bits wide; {@code -Dblurdm.conv.tile} overrides.
 * JMH Conv2dBench, 2 threads, same machine, quiet: 8x3 22.9 / 21.8 / 24.1 ms, 4x2 14.8 / 17.2 / 17.5 ms
 * (32x256x256 / 64x128x128 / 128x64x64); PyTorch 8.5-10 ms (bench/RESULTS.md).
 *
 * <p>Since 2026-11-27 the backend's entry point ({@link #forward(Parallel, Tensor, Tensor, Tensor, Tensor,
 * Conv2dParams)}) sends 3x3 stride-1 pad-1 single-group convs with 8+ channels to {@link Conv2dWinograd}
 * (F(4, 3) down the columns, half the multiply-adds, the same register tiles); everything else, and
 * every call that names a tile, takes the direct path here.
 */
final class Conv2dVector {
    /** Most pixels per job in the 1x1 flattened case (a multiple of every tile's pixel block up to 512 bits). */
    private static final int SEGMENT = 1536;

    /**
     * Input bytes one 1x1 segment may read (all Cin/g planes): a quarter of a 512 KB L2, so every
     * channel block of the segment finds them there.
     */
    private static final int SEGMENT_BYTES = 128 * 1024;

    /**
     * Input channels from which a 1x1 segment is copied first ({@code -Dblurdm.conv.segcopy}).
     * Measured on AVX2 in the small model at 1280x720: 112->16 84 vs 158 ms, 112->32 29 vs 61,
     * 64->32 20 vs 42; no clear difference at 8-32 channels.
     */
    static final int SEGMENT_COPY_CHANNELS = Integer.getInteger("blurdm.conv.segcopy", 32);

    /**
     * Pixels per 1x1 segment for {@code nk} input channels: SEGMENT, or fewer (a multiple of 48) so
     * the segment's nk slices (the copy buffer below) fit in SEGMENT_BYTES. Alone, without the copy,
     * smaller segments did not speed up 112->16 at 720x1280 (17 GFLOP/s either way).
     */
    static int segmentFor(int nk) {
        int fit = SEGMENT_BYTES / (4 * Math.max(1, nk)) / 48 * 48;
        return Math.max(96, Math.min(SEGMENT, fit));
    }

    /** v3 row buffers instead of one padded copy of x ({@code -Dblurdm.conv.rowpad=false}: v2's copy). */
    static final boolean ROW_PAD = !"false".equals(System.getProperty("blurdm.conv.rowpad"));

    private Conv2dVector() {
    }

    /** The backend's conv2d: {@link Conv2dWinograd} for the 3x3 same-size convs it takes, else the direct path. */
    static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        if (Conv2dWinograd.applies(x, weight, p)) {
            Conv2dWinograd.forward(par, out, x, weight, bias, p);
        } else {
            forward(par, out, x, weight, bias, p, ConvRowKernel.DEFAULT);
        }
    }

    /** With the given register tile (tests run every tile on any machine). */
    static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p,
                        ConvRowKernel.Tile tile) {
        final float[] o = out.data();
        final float[] in = x.data();
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
        final int ph = p.padH();
        final int pw = p.padW();
        final int dh = p.dilationH();
        final int dw = p.dilationW();
        final int nk = cinG * kh * kw;
        final Activation act = p.activation();
        final float[] wp = ConvRowKernel.pack(tile, weight.data(), cout, nk, coutG,
                Scratch.get(Scratch.Slot.WEIGHTS, cout * nk), 0);

        final boolean flat = kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
        final int hp = h + 2 * ph;
        final int wpd = wd + 2 * pw;
        final boolean padAny = ph > 0 || pw > 0;
        // rowPad: per output row, copy the cinG*kh input rows it reads into a small zero-bordered buffer
        final boolean rowPad = padAny && ROW_PAD;
        final float[] src = !padAny || rowPad ? in : padded(par, in, n * cin, h, wd, ph, pw);
        final int plane = flat ? h * wd : rowPad ? h * wd : hp * wpd;
        final int srcRow = rowPad || !padAny ? wd : wpd;
        final int seg = segmentFor(nk);
        final int rowLen = flat ? Math.min(seg, h * wd) : wo;
        final int rows = flat ? (h * wd + seg - 1) / seg : ho;
        final int outPlane = ho * wo;

        // tap offsets relative to the row base (flat/direct) and, for the gather case, into the column buffer
        final int[] tap = new int[nk];
        for (int ci = 0, k = 0; ci < cinG; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, k++) {
                    tap[k] = rowPad ? (ci * kh + ky) * wpd + kx * dw : ci * plane + ky * dh * srcRow + kx * dw;
                }
            }
        }
        final boolean gather = sw != 1;
        final int[] colTap = gather ? strided(nk, wo) : null;

        // 1x1 with many input channels: copy the segment's Cin/g plane slices next to each other first; the
        // kernel's loads then come from one buffer instead of Cin/g streams a plane apart (more than the
        // hardware prefetchers follow: 112->16 at 720x1280 ran at 17 GFLOP/s reading x in place)
        final boolean segCopy = flat && nk >= SEGMENT_COPY_CHANNELS;
        final int[] segTap = segCopy ? strided(nk, seg) : null;

        int jobs = n * g * rows;
        long workPerRow = (long) coutG * nk * rowLen;
        int grain = (int) Math.max(1, 65536 / Math.max(1, workPerRow));
        par.forRange(jobs, grain, (j0, j1) -> {
            float[] col = gather ? Scratch.get(Scratch.Slot.JOB_A, nk * wo) : null;
            float[] rowBuf = rowPad ? Scratch.get(Scratch.Slot.JOB_B, cinG * kh * wpd) : null;
            float[] segBuf = segCopy ? Scratch.get(Scratch.Slot.JOB_C, nk * seg) : null;
            for (int job = j0; job < j1; job++) {
                int r = job % rows;
                int grp = (job / rows) % g;
                int img = job / (rows * g);
                int inBase = (img * cin + grp * cinG) * plane;
                int base;
                int len;
                int dstRow;
                if (flat) {
                    base = inBase + r * seg;
                    len = Math.min(seg, h * wd - r * seg);
                    dstRow = r * seg;
                } else {
                    base = inBase + r * sh * srcRow;
                    len = wo;
                    dstRow = r * wo;
                }
                float[] s = src;
                int[] t = tap;
                if (segCopy) {
                    for (int ci = 0; ci < nk; ci++) {
                        System.arraycopy(in, base + ci * plane, segBuf, ci * seg, len);
                    }
                    s = segBuf;
                    t = segTap;
                    base = 0;
                }
                if (rowPad) {
                    for (int ci = 0; ci < cinG; ci++) {
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = r * sh - ph + ky * dh;
                            paddedRow(in, iy < 0 || iy >= h ? -1 : inBase + (ci * h + iy) * wd, wd, -pw, rowBuf,
                                    (ci * kh + ky) * wpd, wpd);
                        }
                    }
                    s = rowBuf;
                    base = 0;
                }
                if (gather) {
                    for (int k = 0; k < nk; k++) {
                        int from = base + tap[k];
                        int to = k * wo;
                        for (int j = 0; j < wo; j++) {
                            col[to + j] = s[from + j * sw];
                        }
                    }
                    s = col;
                    t = colTap;
                    base = 0;
                }
                int co = grp * coutG;
                int coEnd = co + coutG;
                while (co < coEnd) {
                    int cb = ConvRowKernel.blockAt(tile, coEnd - co);
                    int d = (img * cout + co) * outPlane + dstRow;
                    ConvRowKernel.run(tile, cb, s, base, t, nk, wp, co * nk, o, d, outPlane, len, b, co, act);
                    co += cb;
                }
            }
        });
    }

    /** Tap offsets {0, step, 2*step, ...} of n rows laid out one after another in a buffer. */
    private static int[] strided(int n, int step) {
        int[] t = new int[n];
        for (int k = 0; k < n; k++) {
            t[k] = k * step;
        }
        return t;
    }

    /**
     * dst[off + k] = x[row + first + k] where column first + k lies in [0, w), else 0, for k in [0, count);
     * all zero when {@code row} is -1 (a padding row). One row of zero-padded input in a row buffer (also
     * a window of one, {@link Conv2dWinograd}; {@link ConvTranspose2dVector}).
     */
    static void paddedRow(float[] x, int row, int w, int first, float[] dst, int off, int count) {
        int lo = Math.max(0, -first);
        int hi = Math.min(count, w - first);
        if (row < 0 || hi <= lo) {
            java.util.Arrays.fill(dst, off, off + count, 0f);
            return;
        }
        java.util.Arrays.fill(dst, off, off + lo, 0f);
        System.arraycopy(x, row + first + lo, dst, off + lo, hi - lo);
        java.util.Arrays.fill(dst, off + hi, off + count, 0f);
    }

    /** A zero-padded copy [planes][h+2ph][w+2pw] of x [planes][h][w], parallel over planes. */
    static float[] padded(Parallel par, float[] in, int planes, int h, int w, int ph, int pw) {
        int hp = h + 2 * ph;
        int wp = w + 2 * pw;
        float[] dst = new float[planes * hp * wp];
        par.forRange(planes, Math.max(1, 16384 / (h * w)), (p0, p1) -> {
            for (int pl = p0; pl < p1; pl++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(in, (pl * h + y) * w, dst, (pl * hp + y + ph) * wp + pw, w);
                }
            }
        });
        return dst;
    }
}

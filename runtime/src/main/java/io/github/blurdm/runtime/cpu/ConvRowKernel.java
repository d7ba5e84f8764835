package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Gelu;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernel behind {@link Conv2dVector} and {@link ConvTranspose2dVector}
 * (Vector API; loaded only behind {@link VectorSupport#AVAILABLE}).
 *
 * <p>{@link #run} computes a block of CB output channels (8, 4, or 1 for tails and depthwise) over
 * one output "row" of {@code len} contiguous pixels:
 * {@code dst[dstOff + c*dstStride + j] = act(bias[co+c] + sum_k wp[wOff + k*CB + c] * src[base + tap[k] + j])}.
 * Every convolution is reduced to this by the callers: a tap k is one (ci, ky, kx) whose input
 * pixels for the row are contiguous in {@code src} (x, a zero-padded copy of x, or a gathered
 * column row when the horizontal stride is not 1). Weights come pre-packed ({@link #pack}) as
 * [co block][k][CB] so the CB broadcasts of one tap read one cache line.
 *
 * <p>Register tiles ({@link Tile}): {@link #block8} holds 3 vectors of pixels x 8 channels = 24
 * accumulators; per tap 3 loads, 8 broadcasts, 24 FMAs; no branches, no masks. That needs the 32
 * vector registers of AVX-512. With AVX2's 16, C2 spills accumulators of the 8x3 and even the 4x3
 * tile to the stack (seen in the JIT's code: two of block4's accumulators round-trip through the
 * stack on every tap, a store-to-load chain per FMA), so there {@link #block4x2} (4 channels x 2
 * vectors: 8 accumulators, 2 inputs, 1 weight) is the default. Pixels past the last full vector go
 * to a scalar tail, so nothing reads outside the row. The kernels store raw sums; bias and
 * activation are a separate pass over the (L1-resident) row, {@link #epilogue}. Keeping the kernels
 * free of epilogue code matters: with bias/activation fused into the stores the 8-channel kernel
 * exceeded C2's inlining budget, the Vector API calls were no longer intrinsified and it ran about
 * 10x slower than the 4-channel one.
 *
 * <p>Measured (one thread, Zen 3 EPYC, AVX2, JDK 17; 3x3 conv rows from a row buffer, a quick
 * harness with the machine otherwise idle): 64 channels x 320 pixels 8x3 39 GFLOP/s, 4x3 37, 4x2 65;
 * 16 x 1280 8x3 38, 4x3 36, 4x2 67; 32 x 256 4x2 70. A 6x2 tile (12 accumulators) measured 44, a
 * 3x3-specialised 4x2 that walks rows instead of a tap table 38 (C2 did not unroll its kx loop), and
 * tiling pixels outside the channel blocks (for L1 reuse of the rows) the same as without.
 */
final class ConvRowKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /**
     * Output channels x vectors of pixels held in registers. {@code -Dblurdm.conv.tile=8x3|4x3|4x2}
     * overrides {@link #DEFAULT} (the old {@code -Dblurdm.conv.block=4} still selects 4x3).
     */
    enum Tile {
        /** 8 channels x 3 vectors (24 accumulators): 512-bit vectors, 32 registers. */
        C8X3(8),
        /** 4 channels x 3 vectors (12 accumulators). */
        C4X3(4),
        /** 4 channels x 2 vectors (8 accumulators): fits 16 registers without spills. */
        C4X2(4);

        /** The widest channel block of this tile (tails of a group use 4, then 1). */
        final int channels;

        Tile(int channels) {
            this.channels = channels;
        }

        /** "8x3", "4x3" or "4x2", as {@link #parse} reads it. */
        String label() {
            return name().substring(1).toLowerCase(java.util.Locale.ROOT);
        }

        static Tile parse(String s) {
            for (Tile t : values()) {
                if (t.label().equals(s)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("-Dblurdm.conv.tile: want 8x3, 4x3 or 4x2, got '" + s + "'");
        }
    }

    /** 8x3 where vectors are 512 bits wide (AVX-512 has 32 registers), else 4x2 (AVX2 and 128-bit have 16 or more). */
    static final Tile DEFAULT = System.getProperty("blurdm.conv.tile") != null
            ? Tile.parse(System.getProperty("blurdm.conv.tile"))
            : "4".equals(System.getProperty("blurdm.conv.block")) ? Tile.C4X3
            : S.vectorBitSize() >= 512 ? Tile.C8X3 : Tile.C4X2;

    private ConvRowKernel() {
    }

    /** The channel block the callers and {@link #pack} use when {@code left} channels of a group remain. */
    static int blockAt(Tile tile, int left) {
        return left >= 8 && tile.channels == 8 ? 8 : left >= 4 ? 4 : 1;
    }

    /**
     * Computes {@code cb} (from {@link #blockAt}) output channels co.. over one row, then applies
     * bias and activation.
     */
    static void run(Tile tile, int cb, float[] src, int base, int[] tap, int nk, float[] wp, int wOff, float[] dst,
                    int dstOff, int dstStride, int len, float[] bias, int co, Activation act) {
        if (cb == 8) {
            block8(src, base, tap, nk, wp, wOff, dst, dstOff, dstStride, len);
        } else if (cb == 4 && tile == Tile.C4X2) {
            block4x2(src, base, tap, nk, wp, wOff, dst, dstOff, dstStride, len);
        } else if (cb == 4) {
            block4(src, base, tap, nk, wp, wOff, 4, dst, dstOff, dstStride, len);
        } else {
            block1(src, base, tap, nk, wp, wOff, dst, dstOff, len);
        }
        for (int c = 0; c < cb; c++) {
            epilogue(dst, dstOff + c * dstStride, len, bias == null ? 0f : bias[co + c], act);
        }
    }

    /** 8 channels: wp[wOff + 8k + c]. */
    static void block8(float[] src, int base, int[] tap, int nk, float[] wp, int wOff, float[] dst, int dstOff,
                       int dstStride, int len) {
        int j = 0;
        for (; j + 3 * L <= len; j += 3 * L) {
            FloatVector a00 = FloatVector.zero(S);
            FloatVector a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00, a20 = a00;
            FloatVector a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00, a40 = a00;
            FloatVector a41 = a00, a42 = a00, a50 = a00, a51 = a00, a52 = a00, a60 = a00;
            FloatVector a61 = a00, a62 = a00, a70 = a00, a71 = a00, a72 = a00;
            int sj = base + j;
            for (int k = 0; k < nk; k++) {
                int s = sj + tap[k];
                FloatVector x0 = FloatVector.fromArray(S, src, s);
                FloatVector x1 = FloatVector.fromArray(S, src, s + L);
                FloatVector x2 = FloatVector.fromArray(S, src, s + 2 * L);
                int wi = wOff + 8 * k;
                FloatVector w = FloatVector.broadcast(S, wp[wi]);
                a00 = x0.fma(w, a00);
                a01 = x1.fma(w, a01);
                a02 = x2.fma(w, a02);
                w = FloatVector.broadcast(S, wp[wi + 1]);
                a10 = x0.fma(w, a10);
                a11 = x1.fma(w, a11);
                a12 = x2.fma(w, a12);
                w = FloatVector.broadcast(S, wp[wi + 2]);
                a20 = x0.fma(w, a20);
                a21 = x1.fma(w, a21);
                a22 = x2.fma(w, a22);
                w = FloatVector.broadcast(S, wp[wi + 3]);
                a30 = x0.fma(w, a30);
                a31 = x1.fma(w, a31);
                a32 = x2.fma(w, a32);
                w = FloatVector.broadcast(S, wp[wi + 4]);
                a40 = x0.fma(w, a40);
                a41 = x1.fma(w, a41);
                a42 = x2.fma(w, a42);
                w = FloatVector.broadcast(S, wp[wi + 5]);
                a50 = x0.fma(w, a50);
                a51 = x1.fma(w, a51);
                a52 = x2.fma(w, a52);
                w = FloatVector.broadcast(S, wp[wi + 6]);
                a60 = x0.fma(w, a60);
                a61 = x1.fma(w, a61);
                a62 = x2.fma(w, a62);
                w = FloatVector.broadcast(S, wp[wi + 7]);
                a70 = x0.fma(w, a70);
                a71 = x1.fma(w, a71);
                a72 = x2.fma(w, a72);
            }
            int d = dstOff + j;
            a00.intoArray(dst, d);
            a01.intoArray(dst, d + L);
            a02.intoArray(dst, d + 2 * L);
            a10.intoArray(dst, d + dstStride);
            a11.intoArray(dst, d + dstStride + L);
            a12.intoArray(dst, d + dstStride + 2 * L);
            a20.intoArray(dst, d + 2 * dstStride);
            a21.intoArray(dst, d + 2 * dstStride + L);
            a22.intoArray(dst, d + 2 * dstStride + 2 * L);
            a30.intoArray(dst, d + 3 * dstStride);
            a31.intoArray(dst, d + 3 * dstStride + L);
            a32.intoArray(dst, d + 3 * dstStride + 2 * L);
            a40.intoArray(dst, d + 4 * dstStride);
            a41.intoArray(dst, d + 4 * dstStride + L);
            a42.intoArray(dst, d + 4 * dstStride + 2 * L);
            a50.intoArray(dst, d + 5 * dstStride);
            a51.intoArray(dst, d + 5 * dstStride + L);
            a52.intoArray(dst, d + 5 * dstStride + 2 * L);
            a60.intoArray(dst, d + 6 * dstStride);
            a61.intoArray(dst, d + 6 * dstStride + L);
            a62.intoArray(dst, d + 6 * dstStride + 2 * L);
            a70.intoArray(dst, d + 7 * dstStride);
            a71.intoArray(dst, d + 7 * dstStride + L);
            a72.intoArray(dst, d + 7 * dstStride + 2 * L);
        }
        if (j < len) {
            // the last < 3 vectors and the scalar tail as two 4-channel halves
            block4(src, base + j, tap, nk, wp, wOff, 8, dst, dstOff + j, dstStride, len - j);
            block4(src, base + j, tap, nk, wp, wOff + 4, 8, dst, dstOff + j + 4 * dstStride, dstStride, len - j);
        }
    }

    /** 4 channels: wp[wOff + ws*k + c] (ws = 4, or 8 for half of an 8-channel block). */
    static void block4(float[] src, int base, int[] tap, int nk, float[] wp, int wOff, int ws, float[] dst,
                       int dstOff, int dstStride, int len) {
        int j = 0;
        for (; j + 3 * L <= len; j += 3 * L) {
            FloatVector a00 = FloatVector.zero(S);
            FloatVector a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00, a20 = a00;
            FloatVector a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
            int sj = base + j;
            for (int k = 0; k < nk; k++) {
                int s = sj + tap[k];
                FloatVector x0 = FloatVector.fromArray(S, src, s);
                FloatVector x1 = FloatVector.fromArray(S, src, s + L);
                FloatVector x2 = FloatVector.fromArray(S, src, s + 2 * L);
                int wi = wOff + ws * k;
                FloatVector w = FloatVector.broadcast(S, wp[wi]);
                a00 = x0.fma(w, a00);
                a01 = x1.fma(w, a01);
                a02 = x2.fma(w, a02);
                w = FloatVector.broadcast(S, wp[wi + 1]);
                a10 = x0.fma(w, a10);
                a11 = x1.fma(w, a11);
                a12 = x2.fma(w, a12);
                w = FloatVector.broadcast(S, wp[wi + 2]);
                a20 = x0.fma(w, a20);
                a21 = x1.fma(w, a21);
                a22 = x2.fma(w, a22);
                w = FloatVector.broadcast(S, wp[wi + 3]);
                a30 = x0.fma(w, a30);
                a31 = x1.fma(w, a31);
                a32 = x2.fma(w, a32);
            }
            int d = dstOff + j;
            a00.intoArray(dst, d);
            a01.intoArray(dst, d + L);
            a02.intoArray(dst, d + 2 * L);
            a10.intoArray(dst, d + dstStride);
            a11.intoArray(dst, d + dstStride + L);
            a12.intoArray(dst, d + dstStride + 2 * L);
            a20.intoArray(dst, d + 2 * dstStride);
            a21.intoArray(dst, d + 2 * dstStride + L);
            a22.intoArray(dst, d + 2 * dstStride + 2 * L);
            a30.intoArray(dst, d + 3 * dstStride);
            a31.intoArray(dst, d + 3 * dstStride + L);
            a32.intoArray(dst, d + 3 * dstStride + 2 * L);
        }
        tail4(src, base, tap, nk, wp, wOff, ws, dst, dstOff, dstStride, j, len);
    }

    /** 4 channels x 2 vectors (the AVX2 tile): wp[wOff + 4k + c]. */
    static void block4x2(float[] src, int base, int[] tap, int nk, float[] wp, int wOff, float[] dst, int dstOff,
                         int dstStride, int len) {
        int j = 0;
        for (; j + 2 * L <= len; j += 2 * L) {
            FloatVector a00 = FloatVector.zero(S);
            FloatVector a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            int sj = base + j;
            for (int k = 0; k < nk; k++) {
                int s = sj + tap[k];
                FloatVector x0 = FloatVector.fromArray(S, src, s);
                FloatVector x1 = FloatVector.fromArray(S, src, s + L);
                int wi = wOff + 4 * k;
                FloatVector w = FloatVector.broadcast(S, wp[wi]);
                a00 = x0.fma(w, a00);
                a01 = x1.fma(w, a01);
                w = FloatVector.broadcast(S, wp[wi + 1]);
                a10 = x0.fma(w, a10);
                a11 = x1.fma(w, a11);
                w = FloatVector.broadcast(S, wp[wi + 2]);
                a20 = x0.fma(w, a20);
                a21 = x1.fma(w, a21);
                w = FloatVector.broadcast(S, wp[wi + 3]);
                a30 = x0.fma(w, a30);
                a31 = x1.fma(w, a31);
            }
            int d = dstOff + j;
            a00.intoArray(dst, d);
            a01.intoArray(dst, d + L);
            a10.intoArray(dst, d + dstStride);
            a11.intoArray(dst, d + dstStride + L);
            a20.intoArray(dst, d + 2 * dstStride);
            a21.intoArray(dst, d + 2 * dstStride + L);
            a30.intoArray(dst, d + 3 * dstStride);
            a31.intoArray(dst, d + 3 * dstStride + L);
        }
        tail4(src, base, tap, nk, wp, wOff, 4, dst, dstOff, dstStride, j, len);
    }

    /**
     * Pixels j..len of a 4-channel block: one vector at a time, then scalars (a separate method keeps
     * the tiles' hot loops small for C2).
     */
    private static void tail4(float[] src, int base, int[] tap, int nk, float[] wp, int wOff, int ws, float[] dst,
                              int dstOff, int dstStride, int j, int len) {
        for (; j + L <= len; j += L) {
            FloatVector a00 = FloatVector.zero(S);
            FloatVector a10 = a00, a20 = a00, a30 = a00;
            int sj = base + j;
            for (int k = 0; k < nk; k++) {
                int s = sj + tap[k];
                FloatVector x0 = FloatVector.fromArray(S, src, s);
                int wi = wOff + ws * k;
                FloatVector w = FloatVector.broadcast(S, wp[wi]);
                a00 = x0.fma(w, a00);
                w = FloatVector.broadcast(S, wp[wi + 1]);
                a10 = x0.fma(w, a10);
                w = FloatVector.broadcast(S, wp[wi + 2]);
                a20 = x0.fma(w, a20);
                w = FloatVector.broadcast(S, wp[wi + 3]);
                a30 = x0.fma(w, a30);
            }
            int d = dstOff + j;
            a00.intoArray(dst, d);
            a10.intoArray(dst, d + dstStride);
            a20.intoArray(dst, d + 2 * dstStride);
            a30.intoArray(dst, d + 3 * dstStride);
        }
        for (; j < len; j++) {
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            for (int k = 0; k < nk; k++) {
                float xv = src[base + tap[k] + j];
                int wi = wOff + ws * k;
                s0 += wp[wi] * xv;
                s1 += wp[wi + 1] * xv;
                s2 += wp[wi + 2] * xv;
                s3 += wp[wi + 3] * xv;
            }
            int d = dstOff + j;
            dst[d] = s0;
            dst[d + dstStride] = s1;
            dst[d + 2 * dstStride] = s2;
            dst[d + 3 * dstStride] = s3;
        }
    }

    /** 1 channel (tails, depthwise): wp[wOff + k]; 4 vectors of pixels at a time. */
    static void block1(float[] src, int base, int[] tap, int nk, float[] wp, int wOff, float[] dst, int dstOff,
                       int len) {
        int j = 0;
        for (; j + 4 * L <= len; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            int sj = base + j;
            for (int k = 0; k < nk; k++) {
                int s = sj + tap[k];
                FloatVector w = FloatVector.broadcast(S, wp[wOff + k]);
                a0 = FloatVector.fromArray(S, src, s).fma(w, a0);
                a1 = FloatVector.fromArray(S, src, s + L).fma(w, a1);
                a2 = FloatVector.fromArray(S, src, s + 2 * L).fma(w, a2);
                a3 = FloatVector.fromArray(S, src, s + 3 * L).fma(w, a3);
            }
            a0.intoArray(dst, dstOff + j);
            a1.intoArray(dst, dstOff + j + L);
            a2.intoArray(dst, dstOff + j + 2 * L);
            a3.intoArray(dst, dstOff + j + 3 * L);
        }
        for (; j + L <= len; j += L) {
            FloatVector a0 = FloatVector.zero(S);
            int sj = base + j;
            for (int k = 0; k < nk; k++) {
                a0 = FloatVector.fromArray(S, src, sj + tap[k]).fma(FloatVector.broadcast(S, wp[wOff + k]), a0);
            }
            a0.intoArray(dst, dstOff + j);
        }
        for (; j < len; j++) {
            float s0 = 0f;
            for (int k = 0; k < nk; k++) {
                s0 += wp[wOff + k] * src[base + tap[k] + j];
            }
            dst[dstOff + j] = s0;
        }
    }

    /**
     * dst[off..off+len) = act(dst + bias); GELU by {@link VectorMath#gelu} (the scalar reference {@link Gelu#apply},
     * with its double erf, cost most of a 1x1 conv's time: 10 GFLOP/s instead of 50 for Stripformer's token MLP).
     */
    static void epilogue(float[] dst, int off, int len, float bias, Activation act) {
        Activation.Kind kind = act.kind();
        if (kind == Activation.Kind.GELU) {
            VectorMath.gelu(dst, off, dst, off, len, bias);
            return;
        }
        if (kind == Activation.Kind.NONE && bias == 0f) {
            return;
        }
        float slope = act.slope();
        int j = off;
        int end = off + len;
        for (; j + L <= end; j += L) {
            FloatVector v = FloatVector.fromArray(S, dst, j).add(bias);
            if (kind == Activation.Kind.RELU) {
                v = v.max(0f);
            } else if (kind == Activation.Kind.LEAKY_RELU) {
                v = v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0f));
            }
            v.intoArray(dst, j);
        }
        for (; j < end; j++) {
            dst[j] = act.apply(dst[j] + bias);
        }
    }

    /**
     * Packs a [rows][nk] weight matrix (row r = one output channel, already in tap order) into the
     * kernels' layout: within each group of {@code perGroup} rows, blocks of {@link #blockAt} rows
     * as [k][block] ({@link #blockAt} for the tile). Row r's block starts at {@code off + r*nk} whatever
     * its size. Writes {@code wp[off, off + rows*nk)} and returns {@code wp}.
     */
    static float[] pack(Tile tile, float[] w, int rows, int nk, int perGroup, float[] wp, int off) {
        for (int g0 = 0; g0 < rows; g0 += perGroup) {
            int r = g0;
            while (r < g0 + perGroup) {
                int cb = blockAt(tile, g0 + perGroup - r);
                for (int k = 0; k < nk; k++) {
                    for (int c = 0; c < cb; c++) {
                        wp[off + r * nk + cb * k + c] = w[(r + c) * nk + k];
                    }
                }
                r += cb;
            }
        }
        return wp;
    }
}

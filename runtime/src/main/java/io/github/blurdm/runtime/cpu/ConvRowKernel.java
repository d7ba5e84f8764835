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
 * <p>One call computes a block of CB output channels (4, or 1 for tails and depthwise) over one
 * output "row" of {@code len} contiguous pixels:
 * {@code dst[dstOff + c*dstStride + j] = act(bias[c] + sum_k wp[wOff + k*CB + c] * src[base + tap[k] + j])}.
 * Every convolution is reduced to this by the callers: a tap k is one (ci, ky, kx) whose input
 * pixels for the row are contiguous in {@code src} (a zero-padded copy of x, or a gathered column
 * row when the horizontal stride is not 1). Weights come pre-packed as [co block][k][CB] so the CB
 * broadcasts of one tap read one cache line.
 *
 * <p>Inner loop (CB=4): 3 vectors of pixels x 4 channels = 12 accumulators; per tap 3 loads,
 * 4 broadcasts, 12 FMAs; no branches, no masks. Pixels past the last full vector go to a scalar
 * tail, so nothing reads outside the row. Bias and ReLU/LeakyReLU are applied on the vectors
 * before the store; GELU (rare in convs) is applied by the scalar reference function after it.
 */
final class ConvRowKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private ConvRowKernel() {
    }

    /** Computes 4 output channels (CB=4 packing) over one row. */
    static void block4(float[] src, int base, int[] tap, int nk, float[] wp, int wOff, float[] dst, int dstOff,
                       int dstStride, int len, float b0, float b1, float b2, float b3, Activation act) {
        final int kind = act.kind().ordinal();
        final float slope = act.slope();
        final int d0 = dstOff;
        final int d1 = dstOff + dstStride;
        final int d2 = dstOff + 2 * dstStride;
        final int d3 = dstOff + 3 * dstStride;
        int j = 0;
        for (; j + 3 * L <= len; j += 3 * L) {
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00;
            FloatVector a10 = a00, a11 = a00, a12 = a00;
            FloatVector a20 = a00, a21 = a00, a22 = a00;
            FloatVector a30 = a00, a31 = a00, a32 = a00;
            int sj = base + j;
            for (int k = 0; k < nk; k++) {
                int s = sj + tap[k];
                FloatVector x0 = FloatVector.fromArray(S, src, s);
                FloatVector x1 = FloatVector.fromArray(S, src, s + L);
                FloatVector x2 = FloatVector.fromArray(S, src, s + 2 * L);
                int wi = wOff + 4 * k;
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
            store(a00, b0, kind, slope, dst, d0 + j);
            store(a01, b0, kind, slope, dst, d0 + j + L);
            store(a02, b0, kind, slope, dst, d0 + j + 2 * L);
            store(a10, b1, kind, slope, dst, d1 + j);
            store(a11, b1, kind, slope, dst, d1 + j + L);
            store(a12, b1, kind, slope, dst, d1 + j + 2 * L);
            store(a20, b2, kind, slope, dst, d2 + j);
            store(a21, b2, kind, slope, dst, d2 + j + L);
            store(a22, b2, kind, slope, dst, d2 + j + 2 * L);
            store(a30, b3, kind, slope, dst, d3 + j);
            store(a31, b3, kind, slope, dst, d3 + j + L);
            store(a32, b3, kind, slope, dst, d3 + j + 2 * L);
        }
        for (; j + L <= len; j += L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int sj = base + j;
            for (int k = 0; k < nk; k++) {
                FloatVector x0 = FloatVector.fromArray(S, src, sj + tap[k]);
                int wi = wOff + 4 * k;
                a0 = x0.fma(FloatVector.broadcast(S, wp[wi]), a0);
                a1 = x0.fma(FloatVector.broadcast(S, wp[wi + 1]), a1);
                a2 = x0.fma(FloatVector.broadcast(S, wp[wi + 2]), a2);
                a3 = x0.fma(FloatVector.broadcast(S, wp[wi + 3]), a3);
            }
            store(a0, b0, kind, slope, dst, d0 + j);
            store(a1, b1, kind, slope, dst, d1 + j);
            store(a2, b2, kind, slope, dst, d2 + j);
            store(a3, b3, kind, slope, dst, d3 + j);
        }
        for (; j < len; j++) {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (int k = 0; k < nk; k++) {
                float xv = src[base + tap[k] + j];
                int wi = wOff + 4 * k;
                s0 += wp[wi] * xv;
                s1 += wp[wi + 1] * xv;
                s2 += wp[wi + 2] * xv;
                s3 += wp[wi + 3] * xv;
            }
            dst[d0 + j] = scalarAct(s0 + b0, kind, slope);
            dst[d1 + j] = scalarAct(s1 + b1, kind, slope);
            dst[d2 + j] = scalarAct(s2 + b2, kind, slope);
            dst[d3 + j] = scalarAct(s3 + b3, kind, slope);
        }
        if (act.kind() == Activation.Kind.GELU) {
            gelu(dst, d0, len);
            gelu(dst, d1, len);
            gelu(dst, d2, len);
            gelu(dst, d3, len);
        }
    }

    /** Computes 1 output channel (CB=1 packing: wp[wOff + k]) over one row. */
    static void block1(float[] src, int base, int[] tap, int nk, float[] wp, int wOff, float[] dst, int dstOff,
                       int len, float b0, Activation act) {
        final int kind = act.kind().ordinal();
        final float slope = act.slope();
        int j = 0;
        for (; j + 4 * L <= len; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int sj = base + j;
            for (int k = 0; k < nk; k++) {
                int s = sj + tap[k];
                FloatVector w = FloatVector.broadcast(S, wp[wOff + k]);
                a0 = FloatVector.fromArray(S, src, s).fma(w, a0);
                a1 = FloatVector.fromArray(S, src, s + L).fma(w, a1);
                a2 = FloatVector.fromArray(S, src, s + 2 * L).fma(w, a2);
                a3 = FloatVector.fromArray(S, src, s + 3 * L).fma(w, a3);
            }
            store(a0, b0, kind, slope, dst, dstOff + j);
            store(a1, b0, kind, slope, dst, dstOff + j + L);
            store(a2, b0, kind, slope, dst, dstOff + j + 2 * L);
            store(a3, b0, kind, slope, dst, dstOff + j + 3 * L);
        }
        for (; j + L <= len; j += L) {
            FloatVector a0 = FloatVector.zero(S);
            int sj = base + j;
            for (int k = 0; k < nk; k++) {
                a0 = FloatVector.fromArray(S, src, sj + tap[k]).fma(FloatVector.broadcast(S, wp[wOff + k]), a0);
            }
            store(a0, b0, kind, slope, dst, dstOff + j);
        }
        for (; j < len; j++) {
            float s0 = 0f;
            for (int k = 0; k < nk; k++) {
                s0 += wp[wOff + k] * src[base + tap[k] + j];
            }
            dst[dstOff + j] = scalarAct(s0 + b0, kind, slope);
        }
        if (act.kind() == Activation.Kind.GELU) {
            gelu(dst, dstOff, len);
        }
    }

    private static final int RELU = Activation.Kind.RELU.ordinal();
    private static final int LEAKY = Activation.Kind.LEAKY_RELU.ordinal();

    private static void store(FloatVector acc, float bias, int kind, float slope, float[] dst, int off) {
        FloatVector v = acc.add(bias);
        if (kind == RELU) {
            v = v.max(0f);
        } else if (kind == LEAKY) {
            v = v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0f));
        }
        v.intoArray(dst, off);
    }

    private static float scalarAct(float v, int kind, float slope) {
        if (kind == RELU) {
            return v > 0f ? v : 0f;
        } else if (kind == LEAKY) {
            return v >= 0f ? v : v * slope;
        }
        return v;
    }

    private static void gelu(float[] dst, int off, int len) {
        for (int j = off; j < off + len; j++) {
            dst[j] = Gelu.apply(dst[j]);
        }
    }

    /**
     * Packs a [rows][nk] weight matrix (row r = one output channel, already in tap order) into the
     * kernels' layout: within each group of {@code perGroup} rows, blocks of 4 rows as [k][4], the
     * remaining rows one by one as [k]. Row r's block starts at {@code r*nk} either way.
     */
    static float[] pack(float[] w, int rows, int nk, int perGroup) {
        float[] wp = new float[rows * nk];
        for (int g0 = 0; g0 < rows; g0 += perGroup) {
            int r = g0;
            for (; r + 4 <= g0 + perGroup; r += 4) {
                for (int k = 0; k < nk; k++) {
                    for (int c = 0; c < 4; c++) {
                        wp[r * nk + 4 * k + c] = w[(r + c) * nk + k];
                    }
                }
            }
            for (; r < g0 + perGroup; r++) {
                System.arraycopy(w, r * nk, wp, r * nk, nk);
            }
        }
        return wp;
    }
}

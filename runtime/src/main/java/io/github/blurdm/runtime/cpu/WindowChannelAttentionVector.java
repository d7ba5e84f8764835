package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * window_channel_attention, Vector API fast path (same contract as {@link WindowChannelAttentionCpu}, the
 * reference, whose gather and scatter it shares). Per window and head every product runs along contiguous
 * rows with broadcast scalars, so there are no horizontal reductions: S's row i is
 * {@code sum_p q[i][p] kT[p][..]} (k transposed per head, rows padded to a whole number of vectors with
 * zeros), the softmax uses the vector exp, O's row i is {@code sum_j S[i][j] v[j][..]} (64 positions = whole
 * vectors), the gate's row i {@code b + sum_q v[i][q] W^T[q][..]} with W^T transposed once per call, and GELU
 * is {@link VectorMath#gelu}'s. Parallel over (n, window row), as the reference.
 */
final class WindowChannelAttentionVector {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int P = WindowChannelAttentionCpu.P;
    static final int WS = WindowChannelAttentionCpu.WS;

    /** One window row's gate pre-activation (64 floats) per thread. */
    private static final ThreadLocal<float[]> GATE = ThreadLocal.withInitial(() -> new float[P]);

    private WindowChannelAttentionVector() {
    }

    /** O's row: dst[rrow..+64] = sum_j (S[i][j] * inv) v[j][..]. */
    private static void outputRow(float[] work, int srow, float inv, int d, float[] win, int v0, int rrow) {
        for (int pv = 0; pv < P; pv += 4 * L) {
            FloatVector o0 = FloatVector.zero(S);
            FloatVector o1 = o0;
            FloatVector o2 = o0;
            FloatVector o3 = o0;
            for (int j = 0; j < d; j++) {
                FloatVector e = FloatVector.broadcast(S, work[srow + j] * inv);
                int vr = v0 + j * P + pv;
                o0 = FloatVector.fromArray(S, win, vr).fma(e, o0);
                o1 = FloatVector.fromArray(S, win, vr + L).fma(e, o1);
                o2 = FloatVector.fromArray(S, win, vr + 2 * L).fma(e, o2);
                o3 = FloatVector.fromArray(S, win, vr + 3 * L).fma(e, o3);
            }
            o0.intoArray(work, rrow + pv);
            o1.intoArray(work, rrow + pv + L);
            o2.intoArray(work, rrow + pv + 2 * L);
            o3.intoArray(work, rrow + pv + 3 * L);
        }
    }

    /** The gate's pre-activation: gate[..64] = b + sum_q v[i][q] W^T[q][..]. */
    private static void gateRow(float[] win, int vrow, float[] wt, float[] mb, float[] gate) {
        for (int pv = 0; pv < P; pv += 4 * L) {
            FloatVector g0 = FloatVector.fromArray(S, mb, pv);
            FloatVector g1 = FloatVector.fromArray(S, mb, pv + L);
            FloatVector g2 = FloatVector.fromArray(S, mb, pv + 2 * L);
            FloatVector g3 = FloatVector.fromArray(S, mb, pv + 3 * L);
            for (int q = 0; q < P; q++) {
                FloatVector x = FloatVector.broadcast(S, win[vrow + q]);
                int wr = q * P + pv;
                g0 = FloatVector.fromArray(S, wt, wr).fma(x, g0);
                g1 = FloatVector.fromArray(S, wt, wr + L).fma(x, g1);
                g2 = FloatVector.fromArray(S, wt, wr + 2 * L).fma(x, g2);
                g3 = FloatVector.fromArray(S, wt, wr + 3 * L).fma(x, g3);
            }
            g0.intoArray(gate, pv);
            g1.intoArray(gate, pv + L);
            g2.intoArray(gate, pv + 2 * L);
            g3.intoArray(gate, pv + 3 * L);
        }
    }

    static void forward(Parallel par, Tensor out, Tensor qkv, Tensor temperature, Tensor mlpWeight, Tensor mlpBias) {
        if (P % (4 * L) != 0) {   // 64 positions are four whole vectors or more up to 512 bits
            WindowChannelAttentionCpu.forward(par, out, qkv, temperature, mlpWeight, mlpBias);
            return;
        }
        final float[] o = out.data();
        final float[] in = qkv.data();
        final float[] temp = temperature.data();
        final float[] mb = mlpBias.data();
        final float[] wt = transpose(mlpWeight.data());
        final int n = qkv.dim(0);
        final int c = qkv.dim(1) / 3;
        final int h = qkv.dim(2);
        final int w = qkv.dim(3);
        final int heads = temperature.dim(0);
        final int d = c / heads;
        final int dp = (d + L - 1) / L * L;
        final int gh = (h + WS - 1) / WS;
        final int gw = (w + WS - 1) / WS;
        par.forRange(n * gh, 1, (j0, j1) -> {
            float[] win = Scratch.get(Scratch.Slot.JOB_A, 3 * c * P);
            // kT [64][dp] | S [d][dp] | result [d][64]
            float[] work = Scratch.get(Scratch.Slot.JOB_B, P * dp + d * dp + d * P);
            int[] rows = new int[WS];
            int[] cols = new int[WS];
            for (int job = j0; job < j1; job++) {
                int b = job / gh;
                int wy = job % gh;
                for (int i = 0; i < WS; i++) {
                    rows[i] = WindowChannelAttentionCpu.reflect(wy * WS + i, h);
                }
                for (int wx = 0; wx < gw; wx++) {
                    for (int i = 0; i < WS; i++) {
                        cols[i] = WindowChannelAttentionCpu.reflect(wx * WS + i, w);
                    }
                    gather(in, b, 3 * c, h, w, rows, cols, win);
                    for (int hd = 0; hd < heads; hd++) {
                        attendHead(win, c, d, dp, hd, temp[hd], wt, mb, work);
                        WindowChannelAttentionCpu.scatter(work, P * dp + d * dp, o, b, c, hd * d, d, h, w, wy, wx);
                    }
                }
            }
        });
    }

    private static float[] transpose(float[] m) {
        float[] t = new float[P * P];
        for (int r = 0; r < P; r++) {
            for (int q = 0; q < P; q++) {
                t[q * P + r] = m[r * P + q];
            }
        }
        return t;
    }

    private static void gather(float[] in, int b, int channels, int h, int w, int[] rows, int[] cols, float[] win) {
        for (int ch = 0; ch < channels; ch++) {
            int plane = (b * channels + ch) * h * w;
            for (int py = 0; py < WS; py++) {
                int row = plane + rows[py] * w;
                int dst = ch * P + py * WS;
                for (int px = 0; px < WS; px++) {
                    win[dst + px] = in[row + cols[px]];
                }
            }
        }
    }

    private static void attendHead(float[] win, int c, int d, int dp, int hd, float t, float[] wt, float[] mb,
                                   float[] work) {
        float[] gate = GATE.get();
        int q0 = (hd * d) * P;
        int k0 = (c + hd * d) * P;
        int v0 = (2 * c + hd * d) * P;
        int sOff = P * dp;
        int rOff = P * dp + d * dp;
        // kT[p][j] = k[j][p], padded columns zero
        for (int p = 0; p < P; p++) {
            int row = p * dp;
            for (int j = 0; j < d; j++) {
                work[row + j] = win[k0 + j * P + p];
            }
            for (int j = d; j < dp; j++) {
                work[row + j] = 0f;
            }
        }
        for (int i = 0; i < d; i++) {
            int srow = sOff + i * dp;
            scoreRow(work, dp, win, q0 + i * P, t, srow);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < d; j++) {
                max = Math.max(max, work[srow + j]);
            }
            for (int jv = 0; jv < dp; jv += L) {
                FloatVector.fromArray(S, work, srow + jv).sub(max).lanewise(VectorOperators.EXP)
                        .intoArray(work, srow + jv);
            }
            float sum = 0f;
            for (int j = 0; j < d; j++) {
                sum += work[srow + j];
            }
            float inv = 1f / sum;
            int rrow = rOff + i * P;
            int vrow = v0 + i * P;
            // small methods, each with four independent accumulators: one FMA chain would wait on the FMA
            // latency, and one large method would outgrow C2's inlining budget (the Vector API then boxes)
            outputRow(work, srow, inv, d, win, v0, rrow);
            gateRow(win, vrow, wt, mb, gate);
            gateMultiply(work, rrow, gate);
        }
    }

    /** work[rrow..+64] *= GELU(gate[..64]); gate is overwritten. */
    private static void gateMultiply(float[] work, int rrow, float[] gate) {
        VectorMath.gelu(gate, 0, gate, 0, P, 0f);
        for (int pv = 0; pv < P; pv += L) {
            FloatVector.fromArray(S, work, rrow + pv).mul(FloatVector.fromArray(S, gate, pv)).intoArray(work, rrow + pv);
        }
    }

    /** S's row (dp columns) = t * sum_p q[p] kT[p][..], kT at work[0..]: four vectors at a time, then one. */
    private static void scoreRow(float[] work, int dp, float[] win, int qrow, float t, int srow) {
        int jv = 0;
        for (; jv + 4 * L <= dp; jv += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int p = 0; p < P; p++) {
                FloatVector x = FloatVector.broadcast(S, win[qrow + p]);
                int r = p * dp + jv;
                a0 = FloatVector.fromArray(S, work, r).fma(x, a0);
                a1 = FloatVector.fromArray(S, work, r + L).fma(x, a1);
                a2 = FloatVector.fromArray(S, work, r + 2 * L).fma(x, a2);
                a3 = FloatVector.fromArray(S, work, r + 3 * L).fma(x, a3);
            }
            a0.mul(t).intoArray(work, srow + jv);
            a1.mul(t).intoArray(work, srow + jv + L);
            a2.mul(t).intoArray(work, srow + jv + 2 * L);
            a3.mul(t).intoArray(work, srow + jv + 3 * L);
        }
        for (; jv < dp; jv += L) {
            // even and odd positions in two chains
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            for (int p = 0; p < P; p += 2) {
                a0 = FloatVector.fromArray(S, work, p * dp + jv).fma(FloatVector.broadcast(S, win[qrow + p]), a0);
                a1 = FloatVector.fromArray(S, work, (p + 1) * dp + jv).fma(
                        FloatVector.broadcast(S, win[qrow + p + 1]), a1);
            }
            a0.add(a1).mul(t).intoArray(work, srow + jv);
        }
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/**
 * attention, scalar reference: qkv [B,T,3F] packs [q | k | v] per token, F = heads * d. For each (b, head h,
 * query t): scores s_j = scale * q_t·k_j over the head's d features (double sums), softmax over j (maximum
 * subtracted, double sum), out[b,t,h*d + i] = sum_j p_j v_j[i] (double). Parallel over (b, head, query);
 * one score row per query, nothing else held.
 */
public final class AttentionCpu {
    private AttentionCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#attention} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor qkv, int heads, float scale) {
        final float[] o = out.data();
        final float[] in = qkv.data();
        final int b = qkv.dim(0);
        final int t = qkv.dim(1);
        final int f = qkv.dim(2) / 3;
        final int d = f / heads;
        final int row = 3 * f;
        par.forRange(b * heads * t, Math.max(1, 4096 / Math.max(1, t * d)), (r0, r1) -> {
            double[] s = new double[t];
            double[] acc = new double[d];
            for (int r = r0; r < r1; r++) {
                int img = r / (heads * t);
                int h = r / t % heads;
                int q = r % t;
                int base = img * t * row;
                int qOff = base + q * row + h * d;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < t; j++) {
                    int kOff = base + j * row + f + h * d;
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += (double) in[qOff + i] * in[kOff + i];
                    }
                    s[j] = scale * dot;
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < t; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                java.util.Arrays.fill(acc, 0);
                for (int j = 0; j < t; j++) {
                    double p = s[j] / sum;
                    int vOff = base + j * row + 2 * f + h * d;
                    for (int i = 0; i < d; i++) {
                        acc[i] += p * in[vOff + i];
                    }
                }
                int oOff = (img * t + q) * f + h * d;
                for (int i = 0; i < d; i++) {
                    o[oOff + i] = (float) acc[i];
                }
            }
        });
    }
}

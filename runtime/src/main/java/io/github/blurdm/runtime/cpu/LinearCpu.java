package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Tensor;

/**
 * linear, scalar reference: out[m,j] = act(sum_k x[m,k] * w[j,k] + bias[j]) for x [M,K] (any leading
 * dims flattened into M), w [N,K]. Parallel over output features j (the matrix-vector case has M = 1).
 */
public final class LinearCpu {
    private LinearCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#linear} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias, Activation act) {
        final float[] o = out.data();
        final float[] in = x.data();
        final float[] w = weight.data();
        final float[] b = bias == null ? null : bias.data();
        final int k = weight.dim(1);
        final int nOut = weight.dim(0);
        final int m = x.size() / k;
        par.forRange(nOut, 8, (j0, j1) -> {
            for (int j = j0; j < j1; j++) {
                float bv = b == null ? 0f : b[j];
                int wBase = j * k;
                for (int r = 0; r < m; r++) {
                    int xBase = r * k;
                    float acc = 0f;
                    for (int i = 0; i < k; i++) {
                        acc += in[xBase + i] * w[wBase + i];
                    }
                    o[r * nOut + j] = act.apply(acc + bv);
                }
            }
        });
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/** softmax over the last dim: exp(x - max) / sum, the sum in double. Parallel over rows. */
public final class SoftmaxCpu {
    private SoftmaxCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#softmax} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int len = x.dim(-1);
        par.forRange(x.size() / len, Math.max(1, 4096 / len), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = r * len;
                float max = Float.NEGATIVE_INFINITY;
                for (int i = base; i < base + len; i++) {
                    max = Math.max(max, in[i]);
                }
                double sum = 0;
                for (int i = base; i < base + len; i++) {
                    float e = (float) Math.exp(in[i] - max);
                    o[i] = e;
                    sum += e;
                }
                float inv = (float) (1.0 / sum);
                for (int i = base; i < base + len; i++) {
                    o[i] *= inv;
                }
            }
        });
    }
}

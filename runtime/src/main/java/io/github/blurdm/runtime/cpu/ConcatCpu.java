package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/** concat along channels: each input's [C_i, ...] block copied, per image, after the previous ones. */
public final class ConcatCpu {
    private ConcatCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#concat} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor... inputs) {
        final float[] o = out.data();
        final int n = out.dim(0);
        final int outPerImage = out.size() / n;
        par.forEach(n, img -> {
            int dst = img * outPerImage;
            for (Tensor t : inputs) {
                int len = t.size() / n;
                System.arraycopy(t.data(), img * len, o, dst, len);
                dst += len;
            }
        });
    }
}

package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/**
 * permute, scalar reference: out[i_0..i_{r-1}] = x at index j with j[dims[k]] = i_k, dense. The output is
 * walked in order (contiguous writes) in rows along its last dimension, each row read from x at the stride
 * of x's dimension dims[r-1]: a contiguous copy when the last dimension stays last. Parallel over output rows.
 * This loop is also the fast path: a permutation is one read and one write of every element.
 */
public final class PermuteCpu {
    private PermuteCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#permute} on the CPU: the reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, int[] dims) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int r = dims.length;
        final int[] outShape = out.shape();
        final int[] inStride = new int[r];
        for (int k = r - 1, s = 1; k >= 0; k--) {
            inStride[k] = s;
            s *= x.dim(k);
        }
        // stride in x of each output dimension
        final int[] stride = new int[r];
        for (int k = 0; k < r; k++) {
            stride[k] = inStride[dims[k]];
        }
        final int len = outShape[r - 1];
        final int step = stride[r - 1];
        final int rows = out.size() / Math.max(1, len);
        par.forRange(rows, Math.max(1, 8192 / Math.max(1, len)), (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int src = 0;
                int rest = row;
                for (int k = r - 2; k >= 0; k--) {
                    src += rest % outShape[k] * stride[k];
                    rest /= outShape[k];
                }
                int dst = row * len;
                if (step == 1) {
                    System.arraycopy(in, src, o, dst, len);
                } else {
                    for (int i = 0; i < len; i++) {
                        o[dst + i] = in[src + i * step];
                    }
                }
            }
        });
    }
}

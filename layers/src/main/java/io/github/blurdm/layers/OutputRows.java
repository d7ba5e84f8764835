package io.github.blurdm.layers;

import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.Arrays;

/** Gathers ranges of rows (dim 1 of a [1, R, K] view) of a parameter into a new tensor, for sliced layers. */
final class OutputRows {
    private OutputRows() {
    }

    /**
     * Rows {@code ranges} (pairs start, count) of {@code t} [1, R, K], concatenated in order: [1, sum counts, K].
     * The caller releases the result.
     */
    static Tensor gather(Ops ops, Tensor t, int... ranges) {
        if (ranges.length == 0 || ranges.length % 2 != 0) {
            throw new IllegalArgumentException("row ranges must be (start, count) pairs, found " + Arrays.toString(ranges));
        }
        Tensor[] parts = new Tensor[ranges.length / 2];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = ops.sliceChannels(t, ranges[2 * i], ranges[2 * i + 1]);
        }
        if (parts.length == 1) {
            return parts[0];
        }
        try {
            return ops.concat(parts);
        } finally {
            ops.release(parts);
        }
    }
}

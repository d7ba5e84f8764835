package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * softmax over the last dim: launcher for reduce.cu: v1 one thread per row (block 128), v2 one
 * warp per row, 8 rows per block of 256.
 */
final class SoftmaxCuda {
    /** v2 by design (coalesced rows); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;

    private SoftmaxCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x) {
        int len = x.dim(-1);
        int rows = x.size() / len;
        if (version == 1) {
            b.launch("reduce.cu", List.of(), "softmax_v1", (rows + 127) / 128, 1, 1, 128, 1, 1, out, x, rows, len);
        } else {
            b.launch("reduce.cu", List.of(), "softmax_v2", (rows + 7) / 8, 1, 1, 256, 1, 1, out, x, rows, len);
        }
    }
}

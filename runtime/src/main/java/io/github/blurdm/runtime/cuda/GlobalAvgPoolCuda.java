package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * global_avg_pool: launcher for reduce.cu: v1 one thread per plane with a double sum (block 128),
 * v2 one block of 256 threads per plane with shuffle reductions (grid = N*C).
 */
final class GlobalAvgPoolCuda {
    /** v2 by design (a block per plane keeps the SMs busy for few large planes); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;

    private GlobalAvgPoolCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x) {
        int planes = x.dim(0) * x.dim(1);
        int plane = x.dim(2) * x.dim(3);
        if (version == 1) {
            b.launch("reduce.cu", List.of(), "global_avg_pool_v1", (planes + 127) / 128, 1, 1, 128, 1, 1, out, x, planes,
                    plane);
        } else {
            b.launch("reduce.cu", List.of(), "global_avg_pool_v2", planes, 1, 1, 256, 1, 1, out, x, planes, plane);
        }
    }
}

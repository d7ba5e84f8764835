package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * leaky_relu: launcher for elementwise.cu's leaky_relu_v1 (one thread per element) and leaky_relu_v2 (float4).
 * Launch: block 256, grid-stride.
 */
final class LeakyReluCuda {
    /** v2 by design (16-byte accesses); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;

    private LeakyReluCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, float slope) {
        int n = x.size();
        int grid = version == 1 ? CudaBackend.blocks(n, 256, 8192) : CudaBackend.blocks((n + 3) / 4, 256, 8192);
        b.launch("elementwise.cu", List.of(), "leaky_relu_v" + version, grid, 1, 1, 256, 1, 1, out, x, n, slope);
    }
}

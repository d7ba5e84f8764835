package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * gelu: launcher for elementwise.cu's gelu_v1 (one thread per element) and gelu_v2 (float4).
 * Launch: block 256, grid-stride.
 */
final class GeluCuda {
    /** v2 by design (16-byte accesses); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;

    private GeluCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x) {
        int n = x.size();
        int grid = version == 1 ? CudaBackend.blocks(n, 256, 8192) : CudaBackend.blocks((n + 3) / 4, 256, 8192);
        b.launch("elementwise.cu", List.of(), "gelu_v" + version, grid, 1, 1, 256, 1, 1, out, x, n);
    }
}

package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/** add: launcher for elementwise.cu's add_v1 (one thread per element) and add_v2 (float4). */
final class AddCuda {
    /** v2 by design (16-byte accesses); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;

    private AddCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor a, Tensor c) {
        int n = a.size();
        int grid = version == 1 ? CudaBackend.blocks(n, 256, 8192) : CudaBackend.blocks((n + 3) / 4, 256, 8192);
        b.launch("elementwise.cu", List.of(), "add_v" + version, grid, 1, 1, 256, 1, 1, out, a, c, n);
    }
}

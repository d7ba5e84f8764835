package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * gelu_gate (GELU(x1) * x2 over the channel halves of x [N,2C,...]): launcher for elementwise.cu's
 * gelu_gate_v1 (one thread per output, block 256, grid-stride).
 */
final class GeluGateCuda {
    /** The only version. */
    static final int DEFAULT_VERSION = 1;
    static final int VERSIONS = 1;

    private GeluGateCuda() {
    }

    static void launch(CudaBackend b, Tensor out, Tensor x) {
        int n = out.size();
        int c = out.dim(1);
        int inner = n / (out.dim(0) * c);
        b.launch("elementwise.cu", List.of(), "gelu_gate_v1", CudaBackend.blocks(n, 256, 8192), 1, 1, 256, 1, 1, out, x,
                c, inner, n);
    }
}

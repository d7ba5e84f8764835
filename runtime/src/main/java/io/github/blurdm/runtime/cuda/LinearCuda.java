package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * linear: out[M,Nout] = act(x[M,K] w[Nout,K]^T + bias): launcher for linear.cu: v1 one thread per
 * output (block 256, grid-stride), v2 one warp per output (8 outputs per block of 256).
 */
final class LinearCuda {
    /** v2 by design (coalesced K loop, the matrix-vector case); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;

    private LinearCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, Tensor w, Tensor bias, Activation act) {
        int k = w.dim(1);
        int nOut = w.dim(0);
        int m = x.size() / k;
        List<String> defs = List.of(ActivationCode.define(act));
        long outputs = (long) m * nOut;
        if (version == 1) {
            b.launch("linear.cu", defs, "linear_v1", CudaBackend.blocks(outputs, 256, 65535), 1, 1, 256, 1, 1, out, x, w,
                    bias, m, k, nOut, act.slope());
        } else {
            b.launch("linear.cu", defs, "linear_v2", (int) ((outputs + 7) / 8), 1, 1, 256, 1, 1, out, x, w, bias, m, k,
                    nOut, act.slope());
        }
    }
}

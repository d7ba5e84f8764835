package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * depthwise_conv2d (k x k, k odd, stride 1, padding k/2) on x [N,C,H,W]: launcher for depthwise_conv2d.cu's
 * v1 (one thread per output, block 256, grid-stride) and v2 (a (32, 8) block per output tile with its halo
 * and taps in dynamic shared memory, grid (ceil(W/32), ceil(H/8), planes); planes beyond the grid's z
 * limit take several launches).
 */
final class DepthwiseConv2dCuda {
    /** v2 by design (each input read once per tile); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;
    private static final int MAX_GRID_Z = 65535;

    private DepthwiseConv2dCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, Tensor weight, Tensor bias) {
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int k = weight.dim(2);
        if (version == 1) {
            b.launch("depthwise_conv2d.cu", List.of(), "depthwise_conv2d_v1", CudaBackend.blocks(out.size(), 256, 65535),
                    1, 1, 256, 1, 1, out, x, weight, bias, c, h, w, k, out.size());
            return;
        }
        int shared = ((8 + k - 1) * (32 + k - 1) + k * k) * 4;
        int planes = x.dim(0) * c;
        for (int p0 = 0; p0 < planes; p0 += MAX_GRID_Z) {
            b.launchShared("depthwise_conv2d.cu", List.of(), "depthwise_conv2d_v2", (w + 31) / 32, (h + 7) / 8,
                    Math.min(MAX_GRID_Z, planes - p0), 32, 8, 1, shared, out, x, weight, bias, c, h, w, k, p0);
        }
    }
}

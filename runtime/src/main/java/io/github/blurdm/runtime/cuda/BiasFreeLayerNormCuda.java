package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * bias_free_layer_norm over channels of x [N,C,...] (out = x / sqrt(var + eps) * weight): launcher for
 * norm.cu, the same two schemes as {@link LayerNormCuda}: v1 one thread per (n, position), v2 a (32, 8)
 * block per 32 positions. N beyond the grid's y limit is covered by several launches over offset pointers.
 */
final class BiasFreeLayerNormCuda {
    /** v2 by design, as layer_norm; not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;
    private static final int MAX_GRID_Y = 65535;

    private BiasFreeLayerNormCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, Tensor weight, float eps) {
        int n = x.dim(0);
        int c = x.dim(1);
        int positions = x.size() / (n * c);
        DevicePointer po = CudaBackend.ptr(out);
        DevicePointer px = CudaBackend.ptr(x);
        for (int n0 = 0; n0 < n; n0 += MAX_GRID_Y) {
            int count = Math.min(MAX_GRID_Y, n - n0);
            long off = (long) n0 * c * positions * 4;
            DevicePointer o = po.withByteOffset(off);
            DevicePointer xi = px.withByteOffset(off);
            if (version == 1) {
                b.launch("norm.cu", List.of(), "bias_free_layer_norm_v1", (positions + 255) / 256, count, 1, 256, 1, 1,
                        o, xi, weight, count, c, positions, eps);
            } else {
                b.launch("norm.cu", List.of(), "bias_free_layer_norm_v2", (positions + 31) / 32, count, 1, 32, 8, 1, o,
                        xi, weight, count, c, positions, eps);
            }
        }
    }
}

package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * layer_norm over channels of x [N,C,...]: launcher for norm.cu (and {@link BiasFreeLayerNormCuda}'s), in two
 * schemes: v1 one thread per (n, position) with double sums (block 256, grid (ceil(positions/256), N)), v2 a
 * (32, 8) block per 32 positions with the channel loop split over 8 thread rows (grid (ceil(positions/32), N)).
 * N beyond the grid's y limit is covered by several launches over offset pointers.
 */
final class LayerNormCuda {
    /** v2 by design (more threads per position); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;
    private static final int MAX_GRID_Y = 65535;

    private LayerNormCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) {
        run(b, version, "layer_norm", out, x, weight, bias, true, eps);
    }

    /** Launches {@code kernel}_v{@code version}; its arguments carry the bias pointer only when {@code withBias}. */
    static void run(CudaBackend b, int version, String kernel, Tensor out, Tensor x, Tensor weight,
                            Tensor bias, boolean withBias, float eps) {
        int n = x.dim(0);
        int c = x.dim(1);
        int positions = x.size() / (n * c);
        DevicePointer po = CudaBackend.ptr(out);
        DevicePointer px = CudaBackend.ptr(x);
        int gridX = version == 1 ? (positions + 255) / 256 : (positions + 31) / 32;
        int blockX = version == 1 ? 256 : 32;
        int blockY = version == 1 ? 1 : 8;
        for (int n0 = 0; n0 < n; n0 += MAX_GRID_Y) {
            int count = Math.min(MAX_GRID_Y, n - n0);
            long off = (long) n0 * c * positions * 4;
            DevicePointer o = po.withByteOffset(off);
            DevicePointer xi = px.withByteOffset(off);
            Object[] args = withBias ? new Object[] {o, xi, weight, bias, count, c, positions, eps}
                    : new Object[] {o, xi, weight, count, c, positions, eps};
            b.launch("norm.cu", List.of(), kernel + "_v" + version, gridX, count, 1, blockX, blockY, 1, args);
        }
    }
}

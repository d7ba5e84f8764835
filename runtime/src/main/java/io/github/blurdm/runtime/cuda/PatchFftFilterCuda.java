package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * patch_fft_filter (FFTformer's DFFN filter) on x [N,C,H,W], filter [C,8,5]: launcher for patch8.cu. Both
 * versions first turn the filter into each channel's real 8x8 circular-convolution kernel
 * (patch_fft_kernel_v1, into a [C,64] temporary), then v1 convolves with one thread per value from global
 * memory, v2 with a block per 4 patches of a plane staged in shared memory (planes beyond the grid's z
 * limit take several launches).
 */
final class PatchFftFilterCuda {
    /** v2 by design (shared-memory tiles, coalesced rows); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;
    private static final int MAX_GRID_Z = 65535;

    private PatchFftFilterCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, Tensor filter) {
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        Tensor kernels = b.allocate(c, 64);
        try {
            b.launch("patch8.cu", List.of(), "patch_fft_kernel_v1", (c * 64 + 255) / 256, 1, 1, 256, 1, 1, kernels,
                    filter, c);
            if (version == 1) {
                b.launch("patch8.cu", List.of(), "patch_fft_filter_v1", CudaBackend.blocks(out.size(), 256, 65535), 1,
                        1, 256, 1, 1, out, x, kernels, c, h, w, out.size());
                return;
            }
            int planes = x.dim(0) * c;
            for (int p0 = 0; p0 < planes; p0 += MAX_GRID_Z) {
                b.launch("patch8.cu", List.of(), "patch_fft_filter_v2", (w + 31) / 32, h / 8,
                        Math.min(MAX_GRID_Z, planes - p0), 256, 1, 1, out, x, kernels, c, h, w, p0);
            }
        } finally {
            b.release(kernels);
        }
    }
}

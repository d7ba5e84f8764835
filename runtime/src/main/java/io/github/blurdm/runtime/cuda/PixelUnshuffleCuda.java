package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * pixel_unshuffle: launcher for resample.cu's pixel_unshuffle_v1 (block 256, grid-stride).
 * One version (v1): a copy with one thread per output is already one read and one write per element.
 */
final class PixelUnshuffleCuda {
    /** The only version. */
    static final int DEFAULT_VERSION = 1;
    static final int VERSIONS = 1;

    private PixelUnshuffleCuda() {
    }

    static void launch(CudaBackend b, Tensor out, Tensor x, int r) {
        b.launch("resample.cu", List.of(), "pixel_unshuffle_v1", CudaBackend.blocks(out.size(), 256, 65535), 1, 1,
                256, 1, 1, out, x, x.dim(0), x.dim(1), x.dim(2), x.dim(3), r);
    }
}

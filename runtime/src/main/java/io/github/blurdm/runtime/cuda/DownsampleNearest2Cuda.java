package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * downsample_nearest2: launcher for resample.cu's downsample_nearest2_v1 (block 256, grid-stride).
 * One version (v1): a copy with one thread per output is already one read and one write per element.
 */
final class DownsampleNearest2Cuda {
    /** The only version. */
    static final int DEFAULT_VERSION = 1;
    static final int VERSIONS = 1;

    private DownsampleNearest2Cuda() {
    }

    static void launch(CudaBackend b, Tensor out, Tensor x) {
        int planes = x.dim(0) * x.dim(1);
        b.launch("resample.cu", List.of(), "downsample_nearest2_v1", CudaBackend.blocks(out.size(), 256, 65535), 1, 1,
                256, 1, 1, out, x, planes, x.dim(2), x.dim(3), out.dim(2), out.dim(3));
    }
}

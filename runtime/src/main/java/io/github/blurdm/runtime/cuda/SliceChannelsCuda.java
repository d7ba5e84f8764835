package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * slice_channels: resample.cu's channel_copy_v1 from channels [start, start+Co) of x (block 256, grid-stride).
 * One version (v1): a copy with one thread per output is already one read and one write per element.
 */
final class SliceChannelsCuda {
    /** The only version. */
    static final int DEFAULT_VERSION = 1;
    static final int VERSIONS = 1;

    private SliceChannelsCuda() {
    }

    static void launch(CudaBackend b, Tensor out, Tensor x, int start) {
        int n = x.dim(0);
        int plane = x.size() / (n * x.dim(1));
        int co = out.dim(1);
        b.launch("resample.cu", List.of(), "channel_copy_v1", CudaBackend.blocks(out.size(), 256, 65535), 1, 1,
                256, 1, 1, out, x, n, co, plane, co, 0, x.dim(1), start);
    }
}

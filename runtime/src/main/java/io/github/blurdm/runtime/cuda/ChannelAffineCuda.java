package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * channel_affine: out[n,c,...] = x * scale[n,c] + shift[n,c]; launcher for elementwise.cu's
 * channel_affine_v1 (one thread per element, grid-stride) and channel_affine_v2 (one block row per
 * (n,c) plane, grid (ceil(plane/256) capped, N*C)).
 */
final class ChannelAffineCuda {
    /** v2 by design (no per-element division); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;

    private ChannelAffineCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, Tensor scale, Tensor shift) {
        int n = x.size();
        int planes = x.dim(0) * x.dim(1);
        int plane = n / planes;
        if (version == 2 && planes <= 65535) {
            b.launch("elementwise.cu", List.of(), "channel_affine_v2", CudaBackend.blocks(plane, 256, 1024), planes, 1,
                    256, 1, 1, out, x, scale, shift, n, plane);
        } else {
            b.launch("elementwise.cu", List.of(), "channel_affine_v1", CudaBackend.blocks(n, 256, 8192), 1, 1,
                    256, 1, 1, out, x, scale, shift, n, plane);
        }
    }
}

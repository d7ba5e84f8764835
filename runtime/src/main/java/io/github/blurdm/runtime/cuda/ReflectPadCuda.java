package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * reflect_pad of the last two dims (any rank >= 2): launcher for resample.cu's reflect_pad_v1 (block 256, grid-stride).
 * One version (v1): a copy with one thread per output is already one read and one write per element.
 */
final class ReflectPadCuda {
    /** The only version. */
    static final int DEFAULT_VERSION = 1;
    static final int VERSIONS = 1;

    private ReflectPadCuda() {
    }

    static void launch(CudaBackend b, Tensor out, Tensor x, int top, int left) {
        int h = x.dim(-2);
        int w = x.dim(-1);
        int planes = x.size() / (h * w);
        b.launch("resample.cu", List.of(), "reflect_pad_v1", CudaBackend.blocks(out.size(), 256, 65535), 1, 1,
                256, 1, 1, out, x, planes, h, w, out.dim(-2), out.dim(-1), top, left);
    }
}

package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * fsas_attention (FFTformer's FSAS core, out = v * LayerNorm(q (*) k) per 8x8 patch) on q, k, v [N,C,H,W]:
 * launcher for patch8.cu's fsas_attention_v1 (one thread per pixel, block 256, grid-stride) and
 * fsas_attention_v2 (a block of 64 threads per patch, q and k patches in shared memory, grid (W/8, H/8, N);
 * batches beyond the grid's z limit take several launches over offset pointers).
 */
final class FsasAttentionCuda {
    /** v2 by design (patches read once into shared memory); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;
    private static final int MAX_GRID = 65535;

    private FsasAttentionCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor q, Tensor k, Tensor v, Tensor weight, Tensor bias,
                       float eps) {
        int n = out.dim(0);
        int c = out.dim(1);
        int h = out.dim(2);
        int w = out.dim(3);
        if (version == 1) {
            b.launch("patch8.cu", List.of(), "fsas_attention_v1", CudaBackend.blocks((long) n * h * w, 256, 65535), 1,
                    1, 256, 1, 1, out, q, k, v, weight, bias, n, c, h, w, eps);
            return;
        }
        long image = (long) c * h * w * 4;
        for (int n0 = 0; n0 < n; n0 += MAX_GRID) {
            int count = Math.min(MAX_GRID, n - n0);
            long off = n0 * image;
            b.launch("patch8.cu", List.of(), "fsas_attention_v2", w / 8, h / 8, count, 64, 1, 1,
                    CudaBackend.ptr(out).withByteOffset(off), CudaBackend.ptr(q).withByteOffset(off),
                    CudaBackend.ptr(k).withByteOffset(off), CudaBackend.ptr(v).withByteOffset(off), weight, bias, count,
                    c, h, w, eps);
        }
    }
}

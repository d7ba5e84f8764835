package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * attention over packed qkv [B,T,3F] (F = heads * d): launcher for attention.cu: v1 one block per (query,
 * head, batch item) with the scores in shared memory, v2 flash attention (one thread per query, K/V tiles
 * in shared memory, online softmax; head size compiled in) for heads of up to {@value #FLASH_MAX_HEAD}
 * features, v3 the split reduction (scores over slices of d, softmax, P V) for any head. Shapes a version
 * cannot take run the next general one: v2 with longer heads runs v3, v1 with more than
 * {@value #V1_MAX_TOKENS} tokens (its scores must fit 48 KiB of shared memory) runs v3.
 */
final class AttentionCuda {
    /** v2 by design (flash for intra-strip heads, the split reduction for inter-strip ones); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 3;
    static final int FLASH_MAX_HEAD = 64;
    static final int V1_MAX_TOKENS = 12 * 1024;
    private static final int MAX_GRID = 65535;
    /** Features per slice of v3's dot products: enough slices for the GPU, a bounded workspace. */
    private static final int SLICE = 512;
    private static final int MAX_SPLITS = 64;
    /** Most floats of partial sums a chunk of one batch item may use for its slices (256 MiB). */
    private static final long WORKSPACE = 1L << 26;

    private AttentionCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor qkv, int heads, float scale) {
        int n = qkv.dim(0);
        int t = qkv.dim(1);
        int f = qkv.dim(2) / 3;
        int d = f / heads;
        if (version == 2 && d > FLASH_MAX_HEAD || version == 1 && t > V1_MAX_TOKENS) {
            version = 3;
        }
        if (version == 3) {
            splitReduction(b, out, qkv, n, heads, t, f, d, scale);
            return;
        }
        DevicePointer po = CudaBackend.ptr(out);
        DevicePointer px = CudaBackend.ptr(qkv);
        for (int n0 = 0; n0 < n; n0 += MAX_GRID) {
            int count = Math.min(MAX_GRID, n - n0);
            DevicePointer o = po.withByteOffset((long) n0 * t * f * 4);
            DevicePointer x = px.withByteOffset((long) n0 * t * 3 * f * 4);
            if (version == 1) {
                b.launchShared("attention.cu", List.of(), "attention_v1", t, heads, count, 128, 1, 1, t * 4, o, x, t, f,
                        d, scale);
            } else {
                b.launch("attention.cu", List.of("-DHEAD_D=" + d), "attention_v2", (t + 127) / 128, heads, count, 128,
                        1, 1, o, x, t, f, scale);
            }
        }
    }

    /** v3 over batch items in chunks that keep every grid's z within {@value #MAX_GRID}. */
    private static void splitReduction(CudaBackend b, Tensor out, Tensor qkv, int n, int heads, int t, int f, int d,
                                       float scale) {
        int splits = Math.max(1, Math.min(Math.min(MAX_SPLITS, MAX_GRID / heads),
                Math.min(d / SLICE, (int) (WORKSPACE / ((long) heads * t * t)))));
        int chunk = Math.max(1, MAX_GRID / (heads * splits));
        int tiles = (t + 15) / 16;
        int nb0 = Math.min(n, chunk);
        Tensor partial = b.allocate(splits, nb0 * heads, t, t);
        Tensor p = b.allocate(nb0 * heads, t, t);
        DevicePointer po = CudaBackend.ptr(out);
        DevicePointer px = CudaBackend.ptr(qkv);
        try {
            for (int n0 = 0; n0 < n; n0 += chunk) {
                int nb = Math.min(chunk, n - n0);
                int bh = nb * heads;
                DevicePointer o = po.withByteOffset((long) n0 * t * f * 4);
                DevicePointer x = px.withByteOffset((long) n0 * t * 3 * f * 4);
                b.launch("attention.cu", List.of(), "attention_scores_v3", tiles, tiles, bh * splits, 16, 16, 1, partial,
                        x, nb, heads, t, f, d, splits);
                int rows = bh * t;
                b.launch("attention.cu", List.of(), "attention_softmax_v3", (rows + 7) / 8, 1, 1, 256, 1, 1, p, partial,
                        rows, t, splits, scale);
                b.launch("attention.cu", List.of(), "attention_values_v3", (d + 255) / 256, (t + 7) / 8, bh, 256, 1, 1, o,
                        p, x, heads, t, f, d);
            }
        } finally {
            // stream order keeps the memory in use until the kernels above have run
            b.release(partial);
            b.release(p);
        }
    }
}

package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.DctBasis;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * dct2d of x [N,C,H,W]: launcher for dct.cu's batched matrix products. Width side over all planes at once
 * ({@code Y = x Bw}: M = N*C*H rows, K = N = W), then the height side per plane ({@code out[p] = Ah Y[p]},
 * Ah shared); the bases come from {@link DctBasis}, uploaded once per (size, direction) and kept by the
 * backend. v1 one thread per output, v2 64x64 shared-memory tiles with 4x4 register blocks. The
 * intermediate Y is a temporary of the backend's caching allocator. Batches beyond the grid's z limit
 * run as several launches over offset pointers.
 */
final class Dct2dCuda {
    /** v2 by design (shared-memory tiles); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;
    private static final int MAX_GRID_Z = 65535;
    private static final int MAX_GRID_Y = 65535;

    private Dct2dCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, boolean inverse) {
        int h = x.dim(2);
        int w = x.dim(3);
        int planes = x.dim(0) * x.dim(1);
        Tensor bw = b.constant("dct_basis_w" + (inverse ? "" : "T") + w,
                () -> inverse ? DctBasis.matrix(w) : DctBasis.transposed(w), w, w);
        Tensor ah = b.constant("dct_basis_h" + (inverse ? "T" : "") + h,
                () -> inverse ? DctBasis.transposed(h) : DctBasis.matrix(h), h, h);
        Tensor y = b.allocate(x.shape());
        try {
            // width side: one product with M = planes * h rows, cut where the grid's y limit needs it
            int tile = version == 1 ? 16 : 64;
            long rows = (long) planes * h;
            long maxRows = (long) MAX_GRID_Y * tile;
            for (long r0 = 0; r0 < rows; r0 += maxRows) {
                int m = (int) Math.min(maxRows, rows - r0);
                gemm(b, version, CudaBackend.ptr(y).withByteOffset(r0 * w * 4),
                        CudaBackend.ptr(x).withByteOffset(r0 * w * 4), CudaBackend.ptr(bw), m, w, w, 0, 0, 0, 1);
            }
            long plane = (long) h * w;
            for (int p0 = 0; p0 < planes; p0 += MAX_GRID_Z) {
                int count = Math.min(MAX_GRID_Z, planes - p0);
                gemm(b, version, CudaBackend.ptr(out).withByteOffset(p0 * plane * 4), CudaBackend.ptr(ah),
                        CudaBackend.ptr(y).withByteOffset(p0 * plane * 4), h, w, h, 0, plane, plane, count);
            }
        } finally {
            b.release(y);
        }
    }

    private static void gemm(CudaBackend b, int version, DevicePointer c, DevicePointer a, DevicePointer bm, int m,
                             int n, int k, long strideA, long strideB, long strideC, int batch) {
        if (version == 1) {
            b.launch("dct.cu", List.of(), "batched_gemm_v1", (n + 15) / 16, (m + 15) / 16, batch, 16, 16, 1, c, a,
                    bm, m, n, k, strideA, strideB, strideC);
        } else {
            b.launch("dct.cu", List.of(), "batched_gemm_v2", (n + 63) / 64, (m + 63) / 64, batch, 256, 1, 1, c, a,
                    bm, m, n, k, strideA, strideB, strideC);
        }
    }
}

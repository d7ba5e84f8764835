package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.DctBasis;
import io.github.blurdm.runtime.Tensor;
import java.util.concurrent.ConcurrentHashMap;

/**
 * dct2d, Vector API fast path (same contract and order as {@link Dct2dCpu}, the reference): both sides of
 * each plane's transform are matrix products C = A B with B's rows contiguous, which is exactly what the
 * convolutions' register-blocked micro-kernel {@link ConvRowKernel} computes (output "channels" = rows of
 * C, "pixels" = its columns, taps = the K rows of B). Width side: A = the plane x (packed per job), B =
 * C_W^T or C_W; height side: A = C_H or C_H^T (packed once per size), B = the intermediate Y. Parallel over
 * planes; per job one packed copy of x and Y, both in per-thread scratch.
 *
 * <p>Measured (JMH {@code Dct2dBench}, 2 threads, this machine's CPU named in bench/RESULTS.md): see there.
 */
final class Dct2dVector {
    /** Packed C_H (or C_H^T) per (size, transposed, tile): the height side's A, read by every job. */
    private static final ConcurrentHashMap<String, float[]> PACKED = new ConcurrentHashMap<>();
    /** Row offsets k * stride of a B of K rows with rows {@code stride} apart, per (K, stride). */
    private static final ConcurrentHashMap<Long, int[]> TAPS = new ConcurrentHashMap<>();

    private Dct2dVector() {
    }

    static void forward(Parallel par, Tensor out, Tensor x, boolean inverse) {
        forward(par, out, x, inverse, ConvRowKernel.DEFAULT);
    }

    static void forward(Parallel par, Tensor out, Tensor x, boolean inverse, ConvRowKernel.Tile tile) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int h = x.dim(2);
        final int w = x.dim(3);
        final int planes = x.dim(0) * x.dim(1);
        final int plane = h * w;
        final float[] bw = inverse ? DctBasis.matrix(w) : DctBasis.transposed(w);
        final float[] ah = PACKED.computeIfAbsent(h + (inverse ? "T" : "") + tile, key -> {
            float[] a = inverse ? DctBasis.transposed(h) : DctBasis.matrix(h);
            return ConvRowKernel.pack(tile, a, h, h, h, new float[h * h], 0);
        });
        final int[] tapW = taps(w, w);
        final int[] tapH = taps(h, w);
        par.forRange(planes, 1, (p0, p1) -> {
            float[] xp = Scratch.get(Scratch.Slot.JOB_A, plane);
            float[] y = Scratch.get(Scratch.Slot.JOB_B, plane);
            for (int p = p0; p < p1; p++) {
                int base = p * plane;
                pack(tile, in, base, h, w, xp);
                multiply(tile, xp, h, w, bw, tapW, w, y, 0);
                multiply(tile, ah, h, h, y, tapH, w, o, base);
            }
        });
    }

    /** dst[dstOff + r*n + c] = sum_k a[r][k] b[k][c] for r < m, with a packed by {@link #pack}. */
    private static void multiply(ConvRowKernel.Tile tile, float[] aPacked, int m, int k, float[] b, int[] tap, int n,
                                 float[] dst, int dstOff) {
        int r = 0;
        while (r < m) {
            int cb = ConvRowKernel.blockAt(tile, m - r);
            ConvRowKernel.run(tile, cb, b, 0, tap, k, aPacked, r * k, dst, dstOff + r * n, n, n, null, 0,
                    Activation.NONE);
            r += cb;
        }
    }

    /** {@link ConvRowKernel#pack}'s layout ([row block][k][block]) of the rows x k matrix at src[off..]. */
    private static void pack(ConvRowKernel.Tile tile, float[] src, int off, int rows, int k, float[] dst) {
        int r = 0;
        while (r < rows) {
            int cb = ConvRowKernel.blockAt(tile, rows - r);
            int d = r * k;
            for (int c = 0; c < cb; c++) {
                int s = off + (r + c) * k;
                for (int j = 0; j < k; j++) {
                    dst[d + cb * j + c] = src[s + j];
                }
            }
            r += cb;
        }
    }

    private static int[] taps(int count, int stride) {
        return TAPS.computeIfAbsent(((long) count << 32) | stride, key -> {
            int[] t = new int[count];
            for (int k = 0; k < count; k++) {
                t[k] = k * stride;
            }
            return t;
        });
    }
}

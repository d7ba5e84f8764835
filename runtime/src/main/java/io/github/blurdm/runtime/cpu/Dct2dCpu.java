package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.DctBasis;
import io.github.blurdm.runtime.Tensor;

/**
 * dct2d, the scalar reference: x [N,C,H,W]; per (n, c) plane the forward transform is {@code C_H x C_W^T}
 * and the inverse {@code C_H^T x C_W} ({@link DctBasis}), computed as the official code does, along the
 * width first ({@code Y = x C_W^T}), then along the height ({@code C_H Y}). Parallel over planes; each
 * plane's intermediate Y lives in a per-job buffer.
 */
public final class Dct2dCpu {
    private Dct2dCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#dct2d} on the CPU: the plain loops, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, boolean inverse) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int h = x.dim(2);
        final int w = x.dim(3);
        final int planes = x.dim(0) * x.dim(1);
        // width side: Y[r][k] = sum_j x[r][j] * bw[j][k]; bw = C_W^T (forward) or C_W (inverse)
        final float[] bw = inverse ? DctBasis.matrix(w) : DctBasis.transposed(w);
        // height side: X[k][col] = sum_r ah[k][r] * Y[r][col]; ah = C_H (forward) or C_H^T (inverse)
        final float[] ah = inverse ? DctBasis.transposed(h) : DctBasis.matrix(h);
        final int plane = h * w;
        par.forRange(planes, 1, (p0, p1) -> {
            float[] y = Scratch.get(Scratch.Slot.JOB_A, plane);
            for (int p = p0; p < p1; p++) {
                int base = p * plane;
                for (int r = 0; r < h; r++) {
                    for (int k = 0; k < w; k++) {
                        float s = 0f;
                        for (int j = 0; j < w; j++) {
                            s += in[base + r * w + j] * bw[j * w + k];
                        }
                        y[r * w + k] = s;
                    }
                }
                for (int k = 0; k < h; k++) {
                    for (int col = 0; col < w; col++) {
                        float s = 0f;
                        for (int r = 0; r < h; r++) {
                            s += ah[k * h + r] * y[r * w + col];
                        }
                        o[base + k * w + col] = s;
                    }
                }
            }
        });
    }
}

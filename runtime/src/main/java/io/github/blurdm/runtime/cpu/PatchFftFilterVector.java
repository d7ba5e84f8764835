package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;

/**
 * patch_fft_filter, Vector API fast path (same contract as {@link PatchFftFilterCpu}, the reference). The
 * filter is a circular convolution with a real 8x8 kernel per channel; here it runs in the mixed form of
 * {@link Patch8#hybridKernel}: an 8-point real DFT down the patch columns (butterflies across the band's 8
 * row vectors, lane-wise), a circular convolution along the rows per frequency (rotations within groups of
 * 8 lanes times the channel's scalar kernel: 2 real and 3 complex ones), the inverse DFT down the columns.
 * About 110 FMAs, 56 lane rotations and 40 adds per 8 rows x L lanes, against 64 FMAs per value for the
 * direct convolution (and 64 rotations besides, along a row). Lanes must hold whole patch rows
 * ({@link Patch8Vector#fits()}); the columns past the last full vector go through the reference.
 * Parallel over (n, c, band of 8 rows).
 */
final class PatchFftFilterVector {
    private PatchFftFilterVector() {
    }

    static boolean applies() {
        return Patch8Vector.fits();
    }

    static void forward(Parallel par, Tensor out, Tensor x, Tensor filter) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int c = x.dim(1);
        final int h = x.dim(2);
        final int w = x.dim(3);
        final double[][] spatial = new double[c][];
        final float[][] hybrid = new float[c][];
        for (int ch = 0; ch < c; ch++) {
            spatial[ch] = Patch8.filterKernel(filter.data(), ch);
            hybrid[ch] = Patch8.hybridKernel(spatial[ch]);
        }
        final int bands = h / Patch8.P;
        final int full = w / Patch8Vector.L * Patch8Vector.L;
        par.forEach(x.dim(0) * c * bands, job -> {
            int plane = job / bands;
            int ch = plane % c;
            int base = plane * h * w + (job % bands) * Patch8.P * w;
            float[] g = hybrid[ch];
            FloatVector[] f = new FloatVector[8];
            FloatVector[] r = new FloatVector[8];
            for (int x0 = 0; x0 < full; x0 += Patch8Vector.L) {
                Patch8Vector.rowDft(in, base + x0, w, f);
                r[0] = real(f[0], g, 0);
                r[1] = real(f[1], g, 8);
                for (int u = 1; u <= 3; u++) {
                    complex(f[2 * u], f[2 * u + 1], g, 16 * u, r, 2 * u);
                }
                Patch8Vector.inverseRowDft(r, o, base + x0, w);
            }
            for (int px = full; px < w; px += Patch8.P) {
                Patch8.circularConvolve(in, base + px, w, spatial[ch], o, base + px);
            }
        });
    }

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(Patch8Vector.S, v);
    }

    /** sum_s g[k+s] * rot_s(x): a real circular convolution along each patch row. */
    private static FloatVector real(FloatVector x, float[] g, int k) {
        FloatVector acc = x.mul(g[k]);
        for (int s = 1; s < 8; s++) {
            acc = Patch8Vector.rot(x, s).fma(bc(g[k + s]), acc);
        }
        return acc;
    }

    /** (re + i im) convolved with the complex kernel g[k..k+7] + i g[k+8..k+15], into r[i], r[i+1]. */
    private static void complex(FloatVector re, FloatVector im, float[] g, int k, FloatVector[] r, int i) {
        FloatVector or = re.mul(g[k]).sub(im.mul(g[k + 8]));
        FloatVector oi = re.mul(g[k + 8]).add(im.mul(g[k]));
        for (int s = 1; s < 8; s++) {
            FloatVector a = Patch8Vector.rot(re, s);
            FloatVector b = Patch8Vector.rot(im, s);
            or = a.fma(bc(g[k + s]), or).sub(b.mul(g[k + 8 + s]));
            oi = a.fma(bc(g[k + 8 + s]), oi).add(b.mul(g[k + s]));
        }
        r[i] = or;
        r[i + 1] = oi;
    }
}

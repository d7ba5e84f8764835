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
    private static final int L = Patch8Vector.L;

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
            hybrid[ch] = widen(Patch8.hybridKernel(spatial[ch]));
        }
        final int bands = h / Patch8.P;
        final int full = w / L * L;
        par.forEach(x.dim(0) * c * bands, job -> {
            int plane = job / bands;
            int ch = plane % c;
            int base = plane * h * w + (job % bands) * Patch8.P * w;
            float[] g = hybrid[ch];
            float[] buf = Scratch.get(Scratch.Slot.JOB_A, 16 * L);
            for (int x0 = 0; x0 < full; x0 += L) {
                Patch8Vector.rowDft(in, base + x0, w, buf, 0);
                real(buf, 0, g, 0, buf, 8 * L);
                real(buf, L, g, 8, buf, 9 * L);
                complex(buf, 2 * L, g, 16, buf, 10 * L);
                complex(buf, 4 * L, g, 32, buf, 12 * L);
                complex(buf, 6 * L, g, 48, buf, 14 * L);
                Patch8Vector.inverseRowDft(buf, 8 * L, o, base + x0, w);
            }
            for (int px = full; px < w; px += Patch8.P) {
                Patch8.circularConvolve(in, base + px, w, spatial[ch], o, base + px);
            }
        });
    }

    /** Row at {@code ro} = sum_s g[k+s] * rot_s(row at {@code xo}): a real circular convolution along each patch row. */
    private static void real(float[] f, int xo, float[] g, int k, float[] r, int ro) {
        FloatVector x = FloatVector.fromArray(Patch8Vector.S, f, xo);
        FloatVector acc = x.mul(FloatVector.fromArray(Patch8Vector.S, g, (k) * L));
        acc = x.rearrange(Patch8Vector.ROT1).fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 1) * L), acc);
        acc = x.rearrange(Patch8Vector.ROT2).fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 2) * L), acc);
        acc = x.rearrange(Patch8Vector.ROT3).fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 3) * L), acc);
        acc = x.rearrange(Patch8Vector.ROT4).fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 4) * L), acc);
        acc = x.rearrange(Patch8Vector.ROT5).fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 5) * L), acc);
        acc = x.rearrange(Patch8Vector.ROT6).fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 6) * L), acc);
        acc = x.rearrange(Patch8Vector.ROT7).fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 7) * L), acc);
        acc.intoArray(r, ro);
    }

    /**
     * (re + i im) (rows at {@code xo}, {@code xo + L}) convolved with the complex kernel g[k..k+7] + i g[k+8..k+15],
     * into rows {@code ro}, {@code ro + L}: taps 0-3 here, 4-7 in {@link #complexRest}. Split in two because C2
     * stopped inlining the Vector API calls of the whole 8-tap method (its broadcasts then allocated).
     */
    private static void complex(float[] f, int xo, float[] g, int k, float[] r, int ro) {
        FloatVector re = FloatVector.fromArray(Patch8Vector.S, f, xo);
        FloatVector im = FloatVector.fromArray(Patch8Vector.S, f, xo + L);
        FloatVector or = re.mul(FloatVector.fromArray(Patch8Vector.S, g, (k) * L)).sub(im.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 8) * L)));
        FloatVector oi = re.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 8) * L)).add(im.mul(FloatVector.fromArray(Patch8Vector.S, g, (k) * L)));
        FloatVector a;
        FloatVector b;
        a = re.rearrange(Patch8Vector.ROT1);
        b = im.rearrange(Patch8Vector.ROT1);
        or = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 1) * L), or).sub(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 9) * L)));
        oi = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 9) * L), oi).add(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 1) * L)));
        a = re.rearrange(Patch8Vector.ROT2);
        b = im.rearrange(Patch8Vector.ROT2);
        or = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 2) * L), or).sub(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 10) * L)));
        oi = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 10) * L), oi).add(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 2) * L)));
        a = re.rearrange(Patch8Vector.ROT3);
        b = im.rearrange(Patch8Vector.ROT3);
        or = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 3) * L), or).sub(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 11) * L)));
        oi = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 11) * L), oi).add(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 3) * L)));
        or.intoArray(r, ro);
        oi.intoArray(r, ro + L);
        complexRest(f, xo, g, k, r, ro);
    }

    /** Taps 4-7 of {@link #complex}, added to its rows. */
    private static void complexRest(float[] f, int xo, float[] g, int k, float[] r, int ro) {
        FloatVector re = FloatVector.fromArray(Patch8Vector.S, f, xo);
        FloatVector im = FloatVector.fromArray(Patch8Vector.S, f, xo + L);
        FloatVector or = FloatVector.fromArray(Patch8Vector.S, r, ro);
        FloatVector oi = FloatVector.fromArray(Patch8Vector.S, r, ro + L);
        FloatVector a;
        FloatVector b;
        a = re.rearrange(Patch8Vector.ROT4);
        b = im.rearrange(Patch8Vector.ROT4);
        or = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 4) * L), or).sub(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 12) * L)));
        oi = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 12) * L), oi).add(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 4) * L)));
        a = re.rearrange(Patch8Vector.ROT5);
        b = im.rearrange(Patch8Vector.ROT5);
        or = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 5) * L), or).sub(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 13) * L)));
        oi = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 13) * L), oi).add(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 5) * L)));
        a = re.rearrange(Patch8Vector.ROT6);
        b = im.rearrange(Patch8Vector.ROT6);
        or = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 6) * L), or).sub(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 14) * L)));
        oi = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 14) * L), oi).add(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 6) * L)));
        a = re.rearrange(Patch8Vector.ROT7);
        b = im.rearrange(Patch8Vector.ROT7);
        or = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 7) * L), or).sub(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 15) * L)));
        oi = a.fma(FloatVector.fromArray(Patch8Vector.S, g, (k + 15) * L), oi).add(b.mul(FloatVector.fromArray(Patch8Vector.S, g, (k + 7) * L)));
        or.intoArray(r, ro);
        oi.intoArray(r, ro + L);
    }

    /**
     * Each of the 64 kernel values repeated over L lanes, so a tap is a plain vector load. (A small helper
     * returning the tap's vector was compiled on its own, then not inlined, so each tap became a heap
     * object: JFR showed them as nearly all of the op's allocation. Vector code here is written inline.)
     */
    private static float[] widen(float[] g) {
        float[] out = new float[g.length * L];
        for (int i = 0; i < g.length; i++) {
            java.util.Arrays.fill(out, i * L, (i + 1) * L, g[i]);
        }
        return out;
    }

}

package io.github.blurdm.runtime.cpu;

/**
 * The exact real forms of FFTformer's 8x8 frequency-domain operations, shared by the scalar references
 * and the Vector API paths.
 *
 * <p>DFFN's filter, irfft2(rfft2(p) * W) with W real [8,5] and PyTorch's c2r semantics, is real-linear and
 * commutes with circular shifts of the patch (a shift multiplies the half spectrum by a phase that the
 * inverse undoes, including in the first and last columns whose imaginary parts are dropped), so it is a
 * circular convolution of the patch with one real 8x8 kernel per channel: the filter's response to a unit
 * impulse, {@link #filterKernel}. Checked against torch.fft in the op's fixtures.
 *
 * <p>FSAS's product irfft2(rfft2(q) * rfft2(k)) is the circular convolution of the q and k patches
 * (the product of two Hermitian spectra is Hermitian: nothing is dropped).
 *
 * <p>The fast paths take the 8-point DFT down the patch columns (index a, rows of the map: lane-wise
 * arithmetic on whole rows) and convolve circularly along the rows (index b): {@link #hybridKernel} is
 * the per-frequency kernel of that form. Stateless; thread-safe.
 */
final class Patch8 {
    /** Patch side. */
    static final int P = 8;
    /** cos(pi/4) = sin(pi/4). */
    static final float C = 0.70710678118654752440f;
    private static final double R = 0.70710678118654752440;
    /** cos and sin of k pi/4, k = 0..7: every angle of an 8-point DFT, exact to double rounding. */
    private static final double[] COS8 = {1, R, 0, -R, -1, -R, 0, R};
    private static final double[] SIN8 = {0, R, 1, R, 0, -R, -1, -R};

    private Patch8() {
    }

    /**
     * The real 8x8 circular-convolution kernel h (index m*8+n) of channel {@code ch}'s DFFN filter
     * {@code filter[ch]} ([8,5], u*5+v): h = irfft2(W * rfft2(delta)) = irfft2(W), in double:
     * h[m][n] = (1/64) (Re Z0(m) + (-1)^n Re Z4(m) + 2 sum_{v=1..3} Re(Zv(m) e^{2 pi i v n/8})),
     * Zv(m) = sum_u W[u][v] e^{2 pi i u m/8} (spec 5.3).
     */
    static double[] filterKernel(float[] filter, int ch) {
        double[] h = new double[P * P];
        int base = ch * P * 5;
        for (int m = 0; m < P; m++) {
            double[] zr = new double[5];
            double[] zi = new double[5];
            for (int v = 0; v < 5; v++) {
                for (int u = 0; u < P; u++) {
                    double wv = filter[base + u * 5 + v];
                    zr[v] += wv * COS8[(u * m) & 7];
                    zi[v] += wv * SIN8[(u * m) & 7];
                }
            }
            for (int n = 0; n < P; n++) {
                double s = zr[0] + ((n & 1) == 0 ? zr[4] : -zr[4]);
                for (int v = 1; v <= 3; v++) {
                    s += 2 * (zr[v] * COS8[(v * n) & 7] - zi[v] * SIN8[(v * n) & 7]);
                }
                h[m * P + n] = s / 64;
            }
        }
        return h;
    }

    /**
     * The kernel of the row-DFT form for a spatial kernel h (m*8+n): with X_u[b] = sum_a x[a][b] w^-ua
     * (w = e^{2 pi i/8}) and H_u[s] = sum_r h[r][s] w^-ur, the output's row DFT is O_u[n] = sum_s X_u[n-s]
     * H_u[s] (circular in n), and out[m] = (1/8)(O_0 + (-1)^m O_4 + 2 sum_{u=1..3} Re(O_u w^um)). Returned
     * with the 1/8 and the 2 folded in, 64 floats: G0[8], G4[8], then Re G_u[8], Im G_u[8] for u = 1, 2, 3.
     */
    static float[] hybridKernel(double[] h) {
        float[] g = new float[P * P];
        for (int s = 0; s < P; s++) {
            double g0 = 0;
            double g4 = 0;
            for (int r = 0; r < P; r++) {
                g0 += h[r * P + s];
                g4 += (r & 1) == 0 ? h[r * P + s] : -h[r * P + s];
            }
            g[s] = (float) (g0 / 8);
            g[P + s] = (float) (g4 / 8);
            for (int u = 1; u <= 3; u++) {
                double re = 0;
                double im = 0;
                for (int r = 0; r < P; r++) {
                    re += h[r * P + s] * COS8[(u * r) & 7];
                    im -= h[r * P + s] * SIN8[(u * r) & 7];
                }
                g[2 * P * u + s] = (float) (re / 4);
                g[2 * P * u + P + s] = (float) (im / 4);
            }
        }
        return g;
    }

    /**
     * One patch of the circular convolution out[m][n] = sum_{a,b} x[a][b] k[(m-a)&7][(n-b)&7] in double,
     * x and out planes of row length {@code w} at offsets {@code xo}, {@code oo}; k a patch too (k0, kw)
     * or a kernel array (kw = 8).
     */
    static void circularConvolve(float[] x, int xo, int w, double[] kern, float[] out, int oo) {
        for (int m = 0; m < P; m++) {
            for (int n = 0; n < P; n++) {
                double s = 0;
                for (int a = 0; a < P; a++) {
                    int row = xo + a * w;
                    int kr = ((m - a) & 7) * P;
                    for (int b = 0; b < P; b++) {
                        s += x[row + b] * kern[kr + ((n - b) & 7)];
                    }
                }
                out[oo + m * w + n] = (float) s;
            }
        }
    }
}

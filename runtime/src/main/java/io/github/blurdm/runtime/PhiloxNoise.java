package io.github.blurdm.runtime;

/**
 * The prior's initial noise: standard normal numbers from a counter-based generator, Philox4x32-10
 * (Salmon et al., SC'11) with Box-Muller, specified so a CUDA kernel reproduces them bit for bit.
 *
 * <p>Element {@code i} of stream {@code stream} for 64-bit {@code seed}: the Philox block with counter
 * {@code (i/4 as 32-bit, 0, stream lo, stream hi)} and key {@code (seed lo, seed hi)} gives four 32-bit
 * words w0..w3; uniform {@code u_k = (w_k + 0.5) * 2^-32} in (0, 1); the pair (u0, u1) gives elements
 * 0 and 1 of the block as {@code r cos(2 pi u1)} and {@code r sin(2 pi u1)} with {@code r = sqrt(-2 ln u0)},
 * the pair (u2, u3) elements 2 and 3. The logarithm and sine/cosine are computed in double with only
 * IEEE-exact operations (+, -, *, /, sqrt, fused multiply-add), never library transcendentals, so any
 * platform that honours IEEE 754 gets the same float for each element. Thread-safe (stateless).
 */
public final class PhiloxNoise {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;

    private PhiloxNoise() {
    }

    /** Philox4x32-10 of {@code ctr} (4 words) under {@code key} (2 words). */
    public static int[] philox4x32(int[] ctr, int k0, int k1) {
        int c0 = ctr[0];
        int c1 = ctr[1];
        int c2 = ctr[2];
        int c3 = ctr[3];
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xffffffffL) * (c0 & 0xffffffffL);
            long p1 = (M1 & 0xffffffffL) * (c2 & 0xffffffffL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += W0;
            k1 += W1;
        }
        return new int[] {c0, c1, c2, c3};
    }

    /** {@code count} standard normal floats of stream {@code stream} (one stream per image or tile). */
    public static float[] gaussian(long seed, long stream, int count) {
        float[] out = new float[count];
        int[] ctr = new int[4];
        for (int block = 0; block * 4 < count; block++) {
            ctr[0] = block;
            ctr[1] = 0;
            ctr[2] = (int) stream;
            ctr[3] = (int) (stream >>> 32);
            int[] w = philox4x32(ctr, (int) seed, (int) (seed >>> 32));
            for (int pair = 0; pair < 2; pair++) {
                int i = block * 4 + pair * 2;
                if (i >= count) {
                    break;
                }
                double u0 = uniform(w[2 * pair]);
                double u1 = uniform(w[2 * pair + 1]);
                double r = Math.sqrt(-2.0 * log(u0));
                double[] sc = sinCos2Pi(u1);
                out[i] = (float) (r * sc[1]);
                if (i + 1 < count) {
                    out[i + 1] = (float) (r * sc[0]);
                }
            }
        }
        return out;
    }

    /** (w + 0.5) / 2^32, exact in double. */
    static double uniform(int w) {
        return ((w & 0xffffffffL) + 0.5) * 0x1p-32;
    }

    private static final double LN2 = 0.6931471805599453094;

    /** Natural log for x in (0, 1], from exact operations only: x = m 2^e, ln m = 2 atanh((m-1)/(m+1)). */
    static double log(double x) {
        int e = Math.getExponent(x);
        double m = Math.scalb(x, -e); // [1, 2)
        if (m > 1.4142135623730951) {
            m *= 0.5;
            e += 1;
        }
        double s = (m - 1.0) / (m + 1.0); // |s| <= 0.1716
        double s2 = s * s;
        // atanh(s)/s = sum s2^k/(2k+1); 12 terms reach 1e-19 for s2 <= 0.0295
        double p = 1.0 / 25;
        for (int k = 11; k >= 0; k--) {
            p = Math.fma(p, s2, 1.0 / (2 * k + 1));
        }
        return Math.fma(e, LN2, 2.0 * s * p);
    }

    private static final double TWO_PI = 6.283185307179586477;

    /** {sin, cos} of 2 pi u for u in [0, 1): exact reduction to a quarter turn q and |t| <= pi/4. */
    static double[] sinCos2Pi(double u) {
        double q = Math.floor(u * 4.0 + 0.5); // exact: u has at most 34 significant bits
        double r = u - q * 0.25;              // exact, in [-1/8, 1/8]
        double t = r * TWO_PI;
        double t2 = t * t;
        // Taylor polynomials through t^17 and t^18: error < 1e-17 for |t| <= pi/4
        double sp = 1.0 / 355687428096000.0;
        sp = Math.fma(sp, t2, -1.0 / 1307674368000.0);
        sp = Math.fma(sp, t2, 1.0 / 6227020800.0);
        sp = Math.fma(sp, t2, -1.0 / 39916800.0);
        sp = Math.fma(sp, t2, 1.0 / 362880.0);
        sp = Math.fma(sp, t2, -1.0 / 5040.0);
        sp = Math.fma(sp, t2, 1.0 / 120.0);
        sp = Math.fma(sp, t2, -1.0 / 6.0);
        sp = Math.fma(sp, t2, 1.0);
        double cp = -1.0 / 6402373705728000.0;
        cp = Math.fma(cp, t2, 1.0 / 20922789888000.0);
        cp = Math.fma(cp, t2, -1.0 / 87178291200.0);
        cp = Math.fma(cp, t2, 1.0 / 479001600.0);
        cp = Math.fma(cp, t2, -1.0 / 3628800.0);
        cp = Math.fma(cp, t2, 1.0 / 40320.0);
        cp = Math.fma(cp, t2, -1.0 / 720.0);
        cp = Math.fma(cp, t2, 1.0 / 24.0);
        cp = Math.fma(cp, t2, -0.5);
        cp = Math.fma(cp, t2, 1.0);
        double sin = t * sp;
        double cos = cp;
        switch ((int) q & 3) {
            case 1:
                return new double[] {cos, -sin};
            case 2:
                return new double[] {-sin, -cos};
            case 3:
                return new double[] {-cos, sin};
            default:
                return new double[] {sin, cos};
        }
    }
}

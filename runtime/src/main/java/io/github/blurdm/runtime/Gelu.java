package io.github.blurdm.runtime;

/** The exact (erf) GELU, {@code x/2 * (1 + erf(x/sqrt 2))}, as PyTorch's default computes it. */
public final class Gelu {
    private static final double INV_SQRT2 = 0.70710678118654752440;

    private Gelu() {
    }

    /** x/2 (1 + erf(x/sqrt 2)) in float, as every backend computes it. */
    public static float apply(float x) {
        return (float) (0.5 * x * (1.0 + erf(x * INV_SQRT2)));
    }

    /**
     * erf to about 1e-16 relative (double): Taylor series near 0, continued fraction for erfc beyond.
     * Computed in double so the float result is correctly rounded in practice.
     */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax;
            double sum = ax;
            double x2 = ax * ax;
            for (int n = 1; n < 100; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            r = sum * 1.1283791670955125739;
        } else if (ax < 27) {
            // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) via Lentz
            double f = continuedFractionErfc(ax);
            r = 1.0 - f;
        } else {
            r = 1.0;
        }
        return x < 0 ? -r : r;
    }

    private static double continuedFractionErfc(double x) {
        // erfc(x) = exp(-x^2)/sqrt(pi) * K, K = 1/(x+ (1/2)/(x+ 1/(x+ (3/2)/(x+ 2/(x+ ...)))))
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int k = 1; k < 500; k++) {
            double a = k * 0.5;
            d = x + a * d;
            d = d == 0 ? tiny : d;
            c = x + a / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x * x) / f * 0.56418958354775628695;
    }
}

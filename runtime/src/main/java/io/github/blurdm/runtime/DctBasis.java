package io.github.blurdm.runtime;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The orthonormal DCT-II basis {@link Op#DCT2D} multiplies by, as LoFormer's official code builds it: in
 * double, {@code C[0][j] = sqrt(1/n)} and {@code C[k][j] = cos(pi k (2j+1) / 2n) sqrt(2/n)}, then rounded to
 * float. Every backend takes its matrices from here, so they multiply by the same floats. Cached per n;
 * the arrays handed out must not be changed. Thread-safe.
 */
public final class DctBasis {
    private static final ConcurrentHashMap<Integer, float[]> BASIS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Integer, float[]> TRANSPOSED = new ConcurrentHashMap<>();

    private DctBasis() {
    }

    /** C_n, row-major n x n (row k = frequency k). */
    public static float[] matrix(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("DCT size must be >= 1, found " + n);
        }
        return BASIS.computeIfAbsent(n, DctBasis::build);
    }

    /** C_n transposed, row-major (row j = sample j). */
    public static float[] transposed(int n) {
        return TRANSPOSED.computeIfAbsent(n, k -> transpose(matrix(k), k));
    }

    private static float[] build(int n) {
        float[] c = new float[n * n];
        double first = Math.sqrt(1.0 / n);
        double rest = Math.sqrt(2.0 / n);
        for (int j = 0; j < n; j++) {
            c[j] = (float) first;
        }
        for (int k = 1; k < n; k++) {
            for (int j = 0; j < n; j++) {
                // numpy's order of operations: ((pi * k) * (2j + 1)) / (2n), times sqrt(2/n)
                c[k * n + j] = (float) (Math.cos(Math.PI * k * (2 * j + 1) / (2.0 * n)) * rest);
            }
        }
        return c;
    }

    private static float[] transpose(float[] m, int n) {
        float[] t = new float[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                t[c * n + r] = m[r * n + c];
            }
        }
        return t;
    }
}

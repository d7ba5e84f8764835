package io.github.blurdm.runtime.ops;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.blurdm.runtime.HostStorage;
import io.github.blurdm.runtime.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parity assertions (STYLE.md, "Parity tests"): rel-L2 = ||actual - expected|| / ||expected|| <= 1e-5,
 * any NaN fails; outputs start poisoned with NaN and sit in front of a guard region that must stay
 * unchanged. Records the worst rel-L2 seen per (op, backend) for the logs. Thread-safe.
 */
public final class Parity {
    /** The one tolerance for CPU against PyTorch (and, later, CUDA against CPU). Never loosened. */
    public static final double TOLERANCE = 1e-5;

    /** Elements of guard after every poisoned output. */
    public static final int GUARD = 37;

    /** Fills the guard; a finite value no op produces from inputs in [-1, 1]. */
    public static final float SENTINEL = -7.0368744e13f;

    private static final Map<String, Double> WORST = new ConcurrentHashMap<>();

    private Parity() {
    }

    /** A host tensor of {@code shape} filled with NaN, followed in its array by {@link #GUARD} sentinels. */
    public static Tensor poisoned(int... shape) {
        int n = (int) Tensor.checkedSize(shape);
        float[] a = new float[n + GUARD];
        Arrays.fill(a, 0, n, Float.NaN);
        Arrays.fill(a, n, a.length, SENTINEL);
        return new Tensor(new HostStorage(a), shape);
    }

    /** A host tensor holding a copy of {@code values}, followed in its array by {@link #GUARD} sentinels. */
    public static Tensor guarded(float[] values, int... shape) {
        Tensor t = poisoned(shape);
        System.arraycopy(values, 0, t.data(), 0, t.size());
        return t;
    }

    /** Fails if anything after the tensor's elements in its array changed. */
    public static void assertGuard(Tensor t, String context) {
        float[] a = t.data();
        for (int i = t.size(); i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(SENTINEL)) {
                fail(context + ": wrote past the end of its output " + Arrays.toString(t.shape()) + ": guard element "
                        + (i - t.size()) + " is " + a[i]);
            }
        }
    }

    /** ||a - b|| / ||b||, in double; NaN if any element of {@code a} or {@code b} is NaN. */
    public static double relL2(float[] a, float[] b, int n) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(a[i]) || Float.isNaN(b[i])) {
                return Double.NaN;
            }
            double d = (double) a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        if (den == 0) {
            return num == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(num / den);
    }

    /**
     * Asserts {@code actual} (its first {@code expected.length} elements, shape checked) matches PyTorch's
     * output, and that its guard is intact.
     *
     * @param op      op id, for the message
     * @param name    the case's display name (includes the case label)
     * @param backend backend / variant ("cpu-scalar")
     */
    public static void assertClose(String op, String name, String backend, Tensor actual, int[] expectedShape,
                                   float[] expected) {
        String ctx = op + " " + name + " on " + backend;
        if (!Arrays.equals(actual.shape(), expectedShape)) {
            fail(ctx + ": output shape " + Arrays.toString(actual.shape()) + ", expected "
                    + Arrays.toString(expectedShape));
        }
        float[] a = actual.data();
        int n = expected.length;
        double rel = relL2(a, expected, n);
        double maxAbs = 0;
        int nans = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(a[i])) {
                nans++;
            } else {
                maxAbs = Math.max(maxAbs, Math.abs((double) a[i] - expected[i]));
            }
            sumSq += (double) expected[i] * expected[i];
        }
        WORST.merge(op + " " + backend, Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel, Math::max);
        if (!(rel <= TOLERANCE)) {
            double rms = Math.sqrt(sumSq / n);
            StringBuilder sb = new StringBuilder();
            int shown = 0;
            for (int i = 0; i < n && shown < 5; i++) {
                double d = Math.abs((double) a[i] - expected[i]);
                if (Float.isNaN(a[i]) || d > TOLERANCE * Math.max(Math.abs(expected[i]), rms)) {
                    sb.append(shown == 0 ? "" : "; ").append(index(expectedShape, i)).append(" got ").append(a[i])
                            .append(" expected ").append(expected[i]);
                    shown++;
                }
            }
            fail(String.format("%s: rel-L2 %.3e > %.0e (max-abs %.3e, %d NaN of %d); first mismatches: %s", ctx, rel,
                    TOLERANCE, maxAbs, nans, n, sb));
        }
        assertGuard(actual, ctx);
    }

    /** The multi-index of flat index {@code i} in {@code shape}, as {@code [0, 2, 3, 1]}. */
    static String index(int[] shape, int i) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = i % shape[d];
            i /= shape[d];
        }
        return Arrays.toString(idx);
    }

    /** The worst rel-L2 recorded per "op backend", sorted. */
    public static Map<String, Double> worst() {
        return new TreeMap<>(WORST);
    }
}

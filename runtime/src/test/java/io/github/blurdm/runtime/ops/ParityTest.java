package io.github.blurdm.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The parity assertions themselves: they must fail on mismatches, NaN, untouched outputs and guard writes. */
class ParityTest {
    private static final int[] SHAPE = {2, 3};
    private static final float[] EXPECTED = {1, -2, 3, -4, 5, -6};

    private static Tensor out(float... v) {
        return Parity.guarded(v, SHAPE);
    }

    @Test
    void passesOnEqualAndTinyDifferences() {
        Parity.assertClose("parity_selftest", "CASE", "cpu-test", out(EXPECTED), SHAPE, EXPECTED);
        Parity.assertClose("parity_selftest", "CASE", "cpu-test", out(1, -2, 3, -4, 5, -6.00001f), SHAPE, EXPECTED);
    }

    @Test
    void failureNamesOpCaseBackendRelL2AndMismatches() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Parity.assertClose(
                "parity_selftest", "CONV2D(x=[2,3]) c7: label", "cpu-test", out(1, -2, 3.1f, -4, 5, -6.5f), SHAPE,
                EXPECTED));
        String m = e.getMessage();
        for (String part : new String[] {"parity_selftest", "c7: label", "cpu-test", "rel-L2", "max-abs",
                "[0, 2] got 3.1", "[1, 2] got -6.5"}) {
            assertTrue(m.contains(part), "message should contain '" + part + "': " + m);
        }
    }

    @Test
    void anyNaNFails() {
        Tensor t = out(EXPECTED);
        t.data()[4] = Float.NaN;
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Parity.assertClose("parity_selftest", "CASE", "cpu-test", t, SHAPE, EXPECTED));
        assertTrue(e.getMessage().contains("1 NaN"), e.getMessage());
    }

    @Test
    void poisonedOutputIsAllNaNUntilWritten() {
        Tensor t = Parity.poisoned(SHAPE);
        for (int i = 0; i < t.size(); i++) {
            assertTrue(Float.isNaN(t.data()[i]));
        }
        assertEquals(t.size() + Parity.GUARD, t.data().length);
        assertThrows(AssertionFailedError.class,
                () -> Parity.assertClose("parity_selftest", "CASE", "cpu-test", t, SHAPE, EXPECTED));
    }

    @Test
    void guardWriteFails() {
        Tensor t = out(EXPECTED);
        t.data()[t.size()] = 0f;
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Parity.assertClose("parity_selftest", "CASE", "cpu-test", t, SHAPE, EXPECTED));
        assertTrue(e.getMessage().contains("past the end"), e.getMessage());
    }

    @Test
    void wrongShapeFails() {
        assertThrows(AssertionFailedError.class, () -> Parity.assertClose("parity_selftest", "CASE", "cpu-test",
                Parity.guarded(EXPECTED, 3, 2), SHAPE, EXPECTED));
    }
}

package io.github.blurdm.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** ArrayPool: exact-length reuse, most recently released kept within the cap, double release refused. */
class ArrayPoolTest {
    @Test
    void reusesAnArrayOfTheSameLengthOnly() {
        ArrayPool pool = new ArrayPool(1 << 20);
        float[] a = pool.take(100);
        pool.give(a);
        assertNotSame(a, pool.take(99));
        assertSame(a, pool.take(100));
        assertEquals(0, pool.heldBytes());
    }

    @Test
    void evictsTheLeastRecentlyReleasedBeyondTheCap() {
        ArrayPool pool = new ArrayPool(4L * 250);
        float[] old = new float[100];
        float[] mid = new float[100];
        float[] recent = new float[100];
        pool.give(old);
        pool.give(mid);
        pool.give(recent);   // 1200 bytes > 1000: the oldest goes
        assertEquals(800, pool.heldBytes());
        assertSame(recent, pool.take(100));
        assertSame(mid, pool.take(100));
        assertNotSame(old, pool.take(100));
    }

    @Test
    void anArrayLargerThanTheCapIsNotHeld() {
        ArrayPool pool = new ArrayPool(40);
        pool.give(new float[11]);
        assertEquals(0, pool.heldBytes());
    }

    @Test
    void refusesADoubleRelease() {
        ArrayPool pool = new ArrayPool(1 << 20);
        float[] a = pool.take(8);
        pool.give(a);
        assertThrows(IllegalStateException.class, () -> pool.give(a));
    }
}

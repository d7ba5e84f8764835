package io.github.blurdm.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** ArrayPool: best-fit reuse within the slack bound, most recently released kept within the cap, double release refused. */
class ArrayPoolTest {
    @Test
    void givesTheShortestHeldArrayThatFits() {
        ArrayPool pool = new ArrayPool(1 << 20);
        float[] big = new float[200];
        float[] exact = new float[100];
        float[] mid = new float[150];
        pool.give(big);
        pool.give(exact);
        pool.give(mid);
        assertSame(exact, pool.take(100));
        assertSame(mid, pool.take(120));
        assertSame(big, pool.take(101));
        assertEquals(0, pool.heldBytes());
    }

    @Test
    void aLongerArrayComesWithItsTailPoisonedInTests() {
        ArrayPool pool = new ArrayPool(1 << 20);
        float[] a = new float[100];
        pool.give(a);
        assertSame(a, pool.take(60));
        assertEquals(0f, a[59]);
        for (int i = 60; i < 100; i++) {
            assertTrue(Float.isNaN(a[i]), "element " + i);
        }
    }

    @Test
    void neverGivesMoreThanMaxSlackTimesTheRequest() {
        ArrayPool pool = new ArrayPool(1 << 20);
        float[] a = new float[8 * ArrayPool.MAX_SLACK + 1];
        pool.give(a);
        float[] small = pool.take(8);
        assertNotSame(a, small);
        assertEquals(8, small.length);
        assertSame(a, pool.take(9));
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

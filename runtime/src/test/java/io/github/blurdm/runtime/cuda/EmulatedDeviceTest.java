package io.github.blurdm.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The emulated device itself: each planted bug of {@code emu_checks.cu} is caught and named (a
 * write past an allocation, a wild write, a missing barrier, unwritten shared memory, a shuffle
 * with lanes that exited, a barrier/shuffle deadlock, a mask without its caller, a block larger
 * than {@code __launch_bounds__}, an argument of the wrong kind), and the GPU's semantics hold
 * (warp shuffles and ballots, dynamic shared memory, shuffled block and thread order, NaN-poisoned
 * fresh memory, TF32 rounding and the m16n8k8 fragment layout of the PTX ISA).
 */
class EmulatedDeviceTest {
    private static String source;
    private static EmulatedCudaDriver dev;

    @BeforeAll
    static void start() throws IOException {
        try (InputStream in = EmulatedDeviceTest.class.getResourceAsStream("emu_checks.cu")) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        dev = EmulatedCudaDriver.start();
    }

    @AfterAll
    static void stop() {
        dev.close();
    }

    @AfterEach
    void replaceALostDevice() {
        if (dev.lost()) {
            dev.close();
            dev = EmulatedCudaDriver.start();
        }
    }

    private static CudaDriver.Kernel kernel(String entry, String... defines) {
        return dev.kernelFromSource("emu_checks.cu", source, List.of(defines), entry);
    }

    private static DevicePointer alloc(int floats) {
        return dev.malloc(floats * 4L);
    }

    private static float[] get(DevicePointer p, int n) {
        float[] out = new float[n];
        dev.download(p, n, out);
        return out;
    }

    private static int[] ints(DevicePointer p, int n) {
        float[] f = get(p, n);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Float.floatToRawIntBits(f[i]);
        }
        return out;
    }

    private static void launch(CudaDriver.Kernel k, int grid, int block, int shared, Object... args) {
        dev.launch(k, grid, 1, 1, block, 1, 1, shared, args);
    }

    @Test
    void freshMemoryIsNaN() {
        DevicePointer p = alloc(100);
        for (float v : get(p, 100)) {
            assertTrue(Float.isNaN(v));
        }
        dev.free(p);
    }

    @Test
    void aWritePastTheEndNamesTheArgument() {
        DevicePointer out = alloc(100);
        CudaException e = assertThrows(CudaException.class,
                () -> launch(kernel("write_past_end"), 1, 128, 0, out, 100));
        assertTrue(e.getMessage().contains("wrote past the end") && e.getMessage().contains("'out'")
                && e.getMessage().contains("bytes 0..3 after its end"), e.getMessage());
        // the guard zone was restored: the next correct launch passes
        launch(kernel("write_past_end"), 1, 128, 0, out, 99);
        dev.free(out);
    }

    @Test
    void aWildWriteKillsTheDeviceNamingKernelBlockAndThread() {
        DevicePointer out = alloc(32);
        CudaException e = assertThrows(CudaException.class, () -> launch(kernel("wild_write"), 1, 32, 0, out));
        assertTrue(e.getMessage().contains("SIGSEGV") && e.getMessage().contains("wild_write")
                && e.getMessage().contains("thread ("), e.getMessage());
        assertTrue(dev.lost());
        CudaException later = assertThrows(CudaException.class, () -> alloc(1));
        assertTrue(later.getMessage().contains("died earlier"), later.getMessage());
    }

    @Test
    void aMissingBarrierIsCaught() {
        float[] x = new float[128 * 16];
        Random r = new Random(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        DevicePointer in = alloc(x.length);
        dev.upload(x, x.length, in);
        float[] want = new float[16];
        for (int b = 0; b < 16; b++) {
            for (int i = 0; i < 128; i++) {
                want[b] += x[b * 128 + i];
            }
        }
        DevicePointer out = alloc(16);
        launch(kernel("block_sum", "-DWITH_BARRIER"), 16, 128, 0, out, in);
        assertArrayEquals(want, get(out, 16), 1e-4f);
        launch(kernel("block_sum"), 16, 128, 0, out, in);
        float[] racy = get(out, 16);
        long wrong = java.util.stream.IntStream.range(0, 16).filter(b -> !(Math.abs(racy[b] - want[b]) < 1e-4f)).count();
        assertTrue(wrong >= 15, "without the barrier only " + wrong + " of 16 block sums were wrong: " + Arrays.toString(racy));
    }

    @Test
    void sharedMemoryStartsAsNaN() {
        DevicePointer out = alloc(64);
        launch(kernel("read_unwritten_shared"), 1, 64, 0, out);
        for (int bits : ints(out, 64)) {
            assertEquals(0x7fc0dea2, bits, "shared-memory poison");
        }
    }

    @Test
    void dynamicSharedMemoryIsPerBlock() {
        float[] x = new float[96];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        DevicePointer in = alloc(96);
        DevicePointer out = alloc(96);
        dev.upload(x, 96, in);
        launch(kernel("dynamic_rotate"), 1, 96, 96 * 4, out, in);
        float[] got = get(out, 96);
        for (int i = 0; i < 96; i++) {
            assertEquals((i + 1) % 96, got[i]);
        }
        CudaException e = assertThrows(CudaException.class,
                () -> launch(kernel("dynamic_rotate"), 1, 96, 64 << 10, out, in));
        assertTrue(e.getMessage().contains("dynamic shared memory"), e.getMessage());
    }

    @Test
    void aShuffleWithExitedLanesFails() {
        DevicePointer out = alloc(32);
        CudaException e = assertThrows(CudaException.class, () -> launch(kernel("shuffle_after_exit"), 1, 32, 0, out));
        assertTrue(e.getMessage().contains("exited"), e.getMessage());
    }

    @Test
    void aDeadlockIsReported() {
        DevicePointer out = alloc(64);
        CudaException e = assertThrows(CudaException.class,
                () -> launch(kernel("barrier_shuffle_deadlock"), 1, 64, 0, out));
        assertTrue(e.getMessage().contains("deadlock") && e.getMessage().contains("__syncthreads")
                && e.getMessage().contains("__shfl_xor_sync"), e.getMessage());
    }

    @Test
    void aMaskWithoutTheCallerFails() {
        DevicePointer out = alloc(32);
        CudaException e = assertThrows(CudaException.class, () -> launch(kernel("mask_without_caller"), 1, 32, 0, out));
        assertTrue(e.getMessage().contains("does not include the calling lane"), e.getMessage());
    }

    @Test
    void warpShufflesAndBallotsFollowTheGpu() {
        DevicePointer out = alloc(2 * 5 * 32);
        launch(kernel("warp_ops"), 1, 64, 0, out);
        int[] got = ints(out, 2 * 5 * 32);
        int ballot = 0;
        for (int l = 0; l < 32; l += 3) {
            ballot |= 1 << l;
        }
        for (int w = 0; w < 2; w++) {
            for (int l = 0; l < 32; l++) {
                int b = w * 160;
                assertEquals((l ^ 3) * 10, got[b + l], "xor lane " + l);
                int down = (l % 8) + 2 < 8 ? l + 2 : l;       // width 8: sources past the segment read their own value
                assertEquals(down * 10, got[b + 32 + l], "down lane " + l);
                assertEquals((l >= 5 ? l - 5 : l) * 10, got[b + 64 + l], "up lane " + l);
                assertEquals(70, got[b + 96 + l], "broadcast lane " + l);
                assertEquals(ballot, got[b + 128 + l], "ballot lane " + l);
            }
        }
    }

    @Test
    void blocksAndThreadsRunInAShuffledOrder() {
        DevicePointer counter = dev.malloc(4);
        dev.memsetD32(counter, 0, 1);
        DevicePointer order = alloc(200);
        launch(kernel("block_order"), 200, 32, 0, counter, order);
        int[] blocks = ints(order, 200);
        int[] sorted = blocks.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 200; i++) {
            assertEquals(i, sorted[i], "each block ran once");
        }
        assertNotEquals(Arrays.toString(sorted), Arrays.toString(blocks), "blocks ran in index order");
        DevicePointer threads = alloc(256);
        launch(kernel("thread_order"), 1, 256, 0, threads);
        int[] t = ints(threads, 256);
        int[] ts = t.clone();
        Arrays.sort(ts);
        for (int i = 0; i < 256; i++) {
            assertEquals(i, ts[i], "each thread ran once");
        }
        assertNotEquals(Arrays.toString(ts), Arrays.toString(t), "threads ran in index order");
    }

    @Test
    void launchLimitsAndArgumentKindsAreChecked() {
        DevicePointer out = alloc(128);
        CudaException bounds = assertThrows(CudaException.class, () -> launch(kernel("bounded"), 1, 128, 0, out));
        assertTrue(bounds.getMessage().contains("__launch_bounds__(64)"), bounds.getMessage());
        CudaException block = assertThrows(CudaException.class, () -> launch(kernel("takes_int"), 1, 2048, 0, out, 1));
        assertTrue(block.getMessage().contains("at most 1024 threads"), block.getMessage());
        CudaException kind = assertThrows(CudaException.class, () -> launch(kernel("takes_int"), 1, 1, 0, out, 5L));
        assertTrue(kind.getMessage().contains("parameter 'n'") && kind.getMessage().contains("kind 'i'"),
                kind.getMessage());
        CudaException count = assertThrows(CudaException.class, () -> launch(kernel("takes_int"), 1, 1, 0, out));
        assertTrue(count.getMessage().contains("takes 2"), count.getMessage());
        DevicePointer freed = alloc(4);
        dev.free(freed);
        CudaException stale = assertThrows(CudaException.class, () -> launch(kernel("takes_int"), 1, 1, 0, freed, 1));
        assertTrue(stale.getMessage().contains("does not point into a live device allocation"), stale.getMessage());
        launch(kernel("takes_int"), 1, 1, 0, out, 7);
        assertEquals(7f, get(out, 1)[0]);
        assertNull(dev.malloc(1L << 40), "out of memory is null, for the allocator to release its cache and retry");
    }

    /** cvt.rna.tf32.f32 as the PTX ISA defines it: nearest TF32 value, ties away from zero; NaN and infinities kept. */
    @Test
    void tf32RoundingFollowsThePtxIsa() {
        float one = 1f;
        float ulp = Math.scalb(1f, -10);    // TF32 has 10 mantissa bits
        float[] x = {one + ulp / 2, -(one + ulp / 2), one + ulp / 2 - Math.scalb(1f, -23), one + ulp * 1.5f,
            Float.MAX_VALUE, Float.NaN, Float.POSITIVE_INFINITY, -0f, Float.MIN_VALUE, Float.intBitsToFloat(0x00081000)};
        // ties away from zero (both signs), below a tie down, a tie between odd and even up (not to even),
        // the largest float up to infinity, NaN, infinity, -0, the smallest subnormal down to 0, a subnormal tie up
        float[] want = {one + ulp, -(one + ulp), one, one + 2 * ulp, Float.POSITIVE_INFINITY, Float.NaN,
            Float.POSITIVE_INFINITY, -0f, 0f, Float.intBitsToFloat(0x00082000)};
        DevicePointer in = alloc(x.length);
        DevicePointer out = alloc(x.length);
        dev.upload(x, x.length, in);
        launch(kernel("tf32_round"), 1, 32, 0, out, in, x.length);
        int[] got = ints(out, x.length);
        for (int i = 0; i < x.length; i++) {
            float g = Float.intBitsToFloat(got[i]);
            assertEquals(0, got[i] & 0x1fff, "low 13 bits clear for " + x[i]);
            if (Float.isNaN(want[i])) {
                assertTrue(Float.isNaN(g), x[i] + " -> " + g);
            } else {
                assertEquals(Float.floatToRawIntBits(want[i]), got[i], x[i] + " -> " + g + ", want " + want[i]);
            }
        }
    }

    /** One m16n8k8 tile through the documented fragment layout equals the matrix product of the TF32-rounded inputs. */
    @Test
    void mmaFragmentsFollowThePtxLayout() {
        Random r = new Random(3);
        float[] a = new float[16 * 8];
        float[] b = new float[8 * 8];
        float[] c = new float[16 * 8];
        for (float[] m : new float[][] {a, b, c}) {
            for (int i = 0; i < m.length; i++) {
                m[i] = r.nextFloat() * 2 - 1;
            }
        }
        DevicePointer pa = alloc(a.length);
        DevicePointer pb = alloc(b.length);
        DevicePointer pc = alloc(c.length);
        DevicePointer pd = alloc(c.length);
        dev.upload(a, a.length, pa);
        dev.upload(b, b.length, pb);
        dev.upload(c, c.length, pc);
        launch(kernel("mma_tile"), 1, 32, 0, pd, pa, pb, pc);
        float[] d = get(pd, c.length);
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 8; j++) {
                double s = c[i * 8 + j];
                for (int k = 0; k < 8; k++) {
                    s += (double) tf32(a[i * 8 + k]) * tf32(b[k * 8 + j]);
                }
                assertEquals(s, d[i * 8 + j], 1e-6, "D[" + i + "][" + j + "]");
            }
        }
    }

    private static float tf32(float v) {
        return Float.intBitsToFloat((Float.floatToRawIntBits(v) + 0x1000) & 0xffffe000);
    }
}

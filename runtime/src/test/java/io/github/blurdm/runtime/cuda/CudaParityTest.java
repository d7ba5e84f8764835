package io.github.blurdm.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op, every kernel version, on the GPU against the CPU backend: seeded inputs uniform in
 * [-1,1], outputs poisoned with NaN and followed by a NaN guard region that must stay untouched,
 * rel-L2 <= 1e-5 (conv2d v3, TF32: <= 2e-3). Where no GPU is usable the same cases run on the
 * emulated device ({@link CudaBackend#emulated()}), so every kernel runs in every build; never
 * skipped. {@code -Dblurdm.test.cuda=emulated} forces the emulator on a GPU machine too;
 * {@code -Dblurdm.test.op=conv2d} runs one op's cases only.
 */
class CudaParityTest {
    static final double TOL = 1e-5;
    static final double TOL_TF32 = 2e-3;
    static final int GUARD = 37;

    static CudaBackend gpu;
    static CpuBackend cpu;

    @BeforeAll
    static void setUp() {
        gpu = testDevice("CudaParityTest");
        cpu = new CpuBackend(2, false);
        System.out.println("[CudaParityTest] on " + gpu.deviceInfo() + ", " + gpu.kernelCacheStats());
    }

    @AfterAll
    static void tearDown() {
        if (gpu != null) {
            System.out.println("[CudaParityTest] " + gpu.memoryStats() + "; " + gpu.kernelCacheStats());
            gpu.close();
            cpu.close();
        }
    }

    /** A real GPU when CUDA is usable (unless -Dblurdm.test.cuda=emulated), else the emulated device. */
    static CudaBackend testDevice(String who) {
        boolean real = CudaSupport.usable() && !"emulated".equals(System.getProperty("blurdm.test.cuda"));
        if (!real) {
            System.out.println("[" + who + "] on the emulated device (" + (CudaSupport.usable() ? "forced"
                    : "CUDA is not usable here: " + CudaSupport.status().reason()) + ")");
        }
        return real ? new CudaBackend(0) : CudaBackend.emulated();
    }

    static void requireGpu() {
        assertTrue(gpu != null, "no CUDA device, real or emulated");
    }

    @Test
    void everyOpHasCases() {
        Set<Op> seen = EnumSet.noneOf(Op.class);
        for (CudaCases.Case c : CudaCases.all()) {
            seen.add(c.op());
        }
        assertEquals(EnumSet.allOf(Op.class), seen, "ops without a CUDA parity case");
    }

    @TestFactory
    Stream<DynamicTest> everyOpEveryVersionMatchesCpu() {
        String only = System.getProperty("blurdm.test.op", "");
        return CudaCases.all().stream().filter(c -> only.isEmpty() || c.op().id().equals(only)).flatMap(c -> {
            int versions = KernelVersion.versions(c.op());
            List<DynamicTest> ts = new ArrayList<>();
            for (int v = 1; v <= versions; v++) {
                int version = v;
                String name = c.op().name() + "(" + c.name() + ",v=" + v + ")";
                ts.add(DynamicTest.dynamicTest(name, () -> runCase(c, version, name)));
            }
            return ts.stream();
        });
    }

    private static void runCase(CudaCases.Case c, int version, String name) {
        requireGpu();
        if (gpu.deviceLost()) {
            // an earlier case killed the emulated device (a fault, like a GPU's sticky error): start afresh
            gpu.close();
            gpu = testDevice("CudaParityTest");
        }
        Tensor want = Tensor.zeros(c.outShape());
        c.run().run(cpu, want, c.inputs());

        Tensor[] dev = new Tensor[c.inputs().length];
        for (int i = 0; i < dev.length; i++) {
            dev[i] = c.inputs()[i] == null ? null : gpu.upload(c.inputs()[i]);
        }
        int n = want.size();
        Tensor whole = gpu.allocate(n + GUARD);
        gpu.fill(whole, Float.NaN);
        Tensor out = new Tensor(whole.storage(), c.outShape());
        gpu.useVersion(c.op(), version);
        try {
            c.run().run(gpu, out, dev);
        } finally {
            gpu.useVersion(c.op(), 0);
        }
        float[] got = gpu.download(whole).data();
        for (int i = n; i < n + GUARD; i++) {
            if (!Float.isNaN(got[i])) {
                fail(name + ": cuda wrote past the output (guard element " + (i - n) + " = " + got[i] + ")");
            }
        }
        double tol = c.op() == Op.CONV2D && version == 3 ? TOL_TF32 : TOL;
        compare(name, want.data(), Arrays.copyOf(got, n), tol);
        whole.close();
        for (Tensor t : dev) {
            if (t != null) {
                t.close();
            }
        }
    }

    static void compare(String name, float[] want, float[] got, double tol) {
        double num = 0;
        double den = 0;
        StringBuilder bad = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < want.length; i++) {
            double d = (double) got[i] - want[i];
            num += d * d;
            den += (double) want[i] * want[i];
            boolean off = Float.isNaN(got[i]) || Math.abs(d) > 1e-4 * Math.max(1, Math.abs(want[i]));
            if (off && shown < 5) {
                bad.append(String.format(" [%d] cuda %s cpu %s;", i, got[i], want[i]));
                shown++;
            }
        }
        double rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
        boolean nan = Double.isNaN(rel);
        assertTrue(!nan && rel <= tol, name + ": cuda vs cpu rel-L2 " + rel + " > " + tol + "; first mismatches:" + bad);
    }

    private static float[] seeded(long seed, int n) {
        Random r = new Random(seed);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextFloat() * 2f - 1f;
        }
        return d;
    }

    /** 1,000 forward calls allocate from the pool, not the driver, and leak nothing. */
    @Test
    void allocatorReusesAndDoesNotLeak() {
        requireGpu();
        Tensor x = gpu.upload(Tensor.of(seeded(7, 16 * 32 * 32), 1, 16, 32, 32));
        Tensor w = gpu.upload(Tensor.of(seeded(8, 16 * 16 * 9), 16, 16, 3, 3));
        DeviceAllocator.Stats before = gpu.memoryStats();
        for (int i = 0; i < 1000; i++) {
            Tensor y = gpu.allocate(1, 16, 32, 32);
            gpu.conv2d(y, x, w, null, Conv2dParams.of(1, 1));
            Tensor z = gpu.allocate(1, 16, 32, 32);
            gpu.relu(z, y);
            y.close();
            z.close();
        }
        gpu.synchronize();
        DeviceAllocator.Stats after = gpu.memoryStats();
        System.out.println("[CudaParityTest] allocator before " + before + " after " + after);
        assertEquals(before.liveBlocks(), after.liveBlocks(), "live blocks after 1,000 forward calls");
        assertTrue(after.driverAllocs() - before.driverAllocs() <= 2, "cuMemAlloc calls in the loop: "
                + (after.driverAllocs() - before.driverAllocs()));
        x.close();
        w.close();
    }
}

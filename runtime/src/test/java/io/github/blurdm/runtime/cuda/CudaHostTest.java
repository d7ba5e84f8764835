package io.github.blurdm.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the CUDA backend that need no GPU: size classes, the atomic cache write, messages. */
class CudaHostTest {
    @TempDir
    Path tmp;

    @Test
    void sizeClassesRoundUpWithBoundedWaste() {
        assertEquals(512, DeviceAllocator.sizeClass(1));
        assertEquals(512, DeviceAllocator.sizeClass(512));
        assertEquals(1024, DeviceAllocator.sizeClass(513));
        assertEquals(1 << 20, DeviceAllocator.sizeClass((1 << 20) - 3));
        for (long b = 1; b < (1L << 34); b = b * 3 + 7) {
            long c = DeviceAllocator.sizeClass(b);
            assertTrue(c >= b, "class " + c + " < request " + b);
            if (b > (1 << 20)) {
                assertTrue(c <= b * 1.125 + 1, "class " + c + " wastes more than 12.5% of " + b);
            }
            assertEquals(c, DeviceAllocator.sizeClass(c), "a class is its own class");
        }
        assertThrows(IllegalArgumentException.class, () -> DeviceAllocator.sizeClass(0));
    }

    @Test
    void cacheWritesAreAtomicUnderConcurrentWriters() throws Exception {
        Path target = tmp.resolve("sub").resolve("abc.cubin");
        byte[] image = new byte[1 << 16];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i * 31);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            fs.add(pool.submit(() -> KernelCompiler.store(target, image)));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        assertArrayEquals(image, Files.readAllBytes(target));
        try (var s = Files.list(target.getParent())) {
            assertEquals(List.of(target), s.toList(), "no temporary files left behind");
        }
    }

    @Test
    void cacheDirFollowsTheProperty() {
        String old = System.getProperty("blurdm.cache.dir");
        try {
            System.setProperty("blurdm.cache.dir", tmp.toString());
            assertEquals(tmp, CudaBackend.cacheDir());
        } finally {
            if (old == null) {
                System.clearProperty("blurdm.cache.dir");
            } else {
                System.setProperty("blurdm.cache.dir", old);
            }
        }
        System.out.println("[CudaHostTest] kernel cache: " + CudaBackend.cacheDir());
    }

    @Test
    void nvrtcFailureCarriesFileOptionsAndLog() {
        NvrtcException e = new NvrtcException("conv2d.cu", List.of("--gpu-architecture=sm_90", "-DKH=3"),
                "NVRTC_ERROR_COMPILATION", "conv2d.cu(12): error: identifier \"foo\" is undefined");
        assertTrue(e.getMessage().contains("conv2d.cu") && e.getMessage().contains("-DKH=3")
                && e.getMessage().contains("identifier \"foo\""), e.getMessage());
    }

    /** Every op's default kernel version is one it has (the two switches in KernelVersion agree with the launchers). */
    @Test
    void defaultVersionsExist() {
        for (io.github.blurdm.runtime.Op op : io.github.blurdm.runtime.Op.values()) {
            int d = CudaBackend.defaultVersion(op);
            assertTrue(d >= 1 && d <= CudaBackend.versions(op), op + ": default version " + d + " of "
                    + CudaBackend.versions(op));
        }
        assertEquals(2, CudaBackend.defaultVersion(io.github.blurdm.runtime.Op.CONV2D), "conv2d runs the exact fp32 GEMM");
    }
}

package io.github.blurdm.runtime.cuda;

import java.util.List;

/**
 * The device seam under {@link CudaBackend}: the memory, copies, stream and kernel launches of one
 * device. Two implementations: {@link NativeCudaDriver} (the JCuda driver API, kernels compiled by
 * NVRTC) and {@link EmulatedCudaDriver} (the same kernel sources compiled by the host C++ compiler
 * and run on the CPU). {@code CudaBackend} and every {@code <Op>Cuda} launcher are the same code on
 * both, so the emulator receives exactly the grid, block, shared memory and arguments a GPU would.
 * Not thread-safe: the backend serialises calls.
 */
interface CudaDriver extends AutoCloseable {

    /** A compiled kernel entry point of this driver. */
    interface Kernel {
    }

    /** Free and total device memory in bytes. */
    record MemoryInfo(long free, long total) {
    }

    /** The device as the driver describes it. */
    CudaSupport.DeviceInfo info();

    /** Makes this device current on the calling thread (the driver API's context). */
    void bind();

    /** A block of {@code bytes} of device memory, or null when the device is out of memory. */
    DevicePointer malloc(long bytes);

    /** Gives a block from {@link #malloc} back to the device. */
    void free(DevicePointer p);

    /**
     * Whether the caching allocator must hand out blocks of exactly the requested size and poison
     * reused ones: the emulated device's guard zones then sit right after a tensor's last element.
     */
    boolean exactAllocations();

    /** Sets {@code count} 32-bit words at {@code p} to {@code bits}, in stream order. */
    void memsetD32(DevicePointer p, int bits, long count);

    /** Copies {@code n} floats from {@code src} to {@code dst}, in stream order; returns once {@code src} may be reused. */
    void upload(float[] src, int n, DevicePointer dst);

    /** Copies {@code n} floats from {@code src} into {@code dst}, after all queued work; returns when they are there. */
    void download(DevicePointer src, int n, float[] dst);

    /** Entry {@code entry} of kernel file {@code file} compiled with {@code defines} (compiled and cached on first use). */
    Kernel kernel(String file, List<String> defines, String entry);

    /**
     * Queues a launch. Arguments: {@link DevicePointer}, null (a NULL pointer), Integer, Long or Float,
     * in the kernel's parameter order. Throws {@link CudaException} with the driver's reason.
     */
    void launch(Kernel k, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes, Object[] args);

    /** Waits until every queued operation has finished; throws {@link CudaException} for a fault. */
    void synchronize();

    /** Milliseconds of device time the work queued by {@code work} took (for benchmarks). */
    float timeMillis(Runnable work);

    /** Free and total device memory. */
    MemoryInfo memoryInfo();

    /** The kernel cache's counters: what compiles kernels, modules loaded, compiled and read from disk. */
    CudaBackend.CacheStats cacheStats();

    /** Whether the device failed for good (the emulated device's process died); its memory is gone. */
    default boolean lost() {
        return false;
    }

    /** Releases the device (memory, modules, stream, context, helper process). Idempotent. */
    @Override
    void close();
}

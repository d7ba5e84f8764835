package io.github.blurdm.runtime.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A caching device-memory allocator for one context and one stream. Requests are rounded up to a
 * size class (powers of two from 512 B to 1 MiB, then 8 classes per doubling, so at most 12.5%
 * waste); freed blocks go to a free list per class and are reused by the next request of that
 * class. Reuse without synchronisation is safe because every kernel and copy runs on the one
 * stream, in order. When the driver runs out of memory the cached blocks are released and the
 * request retried once. {@link #close()} frees everything, cached and live. Thread-safe.
 *
 * <p>On a driver that asks for {@linkplain CudaDriver#exactAllocations() exact allocations} (the
 * emulated device) every request is its own class, so the device's guard zone starts right after
 * the tensor's last element, and a reused block is poisoned with NaN again as a fresh one is.
 */
public final class DeviceAllocator implements AutoCloseable {

    /**
     * Counters since creation.
     *
     * @param liveBytes     bytes in blocks handed out and not yet freed
     * @param cachedBytes   bytes in free blocks kept for reuse
     * @param peakBytes     highest liveBytes + cachedBytes seen (what the driver gave us)
     * @param driverAllocs  cuMemAlloc calls
     * @param reuses        requests served from the cache
     * @param driverFrees   cuMemFree calls
     * @param liveBlocks    blocks handed out and not yet freed
     */
    public record Stats(long liveBytes, long cachedBytes, long peakBytes, long driverAllocs, long reuses,
                        long driverFrees, long liveBlocks) {
    }

    private static final int NAN_BITS = Float.floatToRawIntBits(Float.NaN);

    private final Map<Long, ArrayDeque<DevicePointer>> free = new HashMap<>();
    private final Map<DevicePointer, Long> live = new IdentityHashMap<>();
    private final CudaDriver driver;
    private final Runnable synchronize;
    private long liveBytes;
    private long cachedBytes;
    private long peakBytes;
    private long driverAllocs;
    private long reuses;
    private long driverFrees;
    private boolean closed;

    /**
     * @param driver      where blocks come from
     * @param synchronize waits for the stream (called before memory goes back to the driver)
     */
    DeviceAllocator(CudaDriver driver, Runnable synchronize) {
        this.driver = driver;
        this.synchronize = synchronize;
    }

    /** The size class a request of {@code bytes} is served from. */
    public static long sizeClass(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocation size must be > 0, got " + bytes);
        }
        if (bytes <= 512) {
            return 512;
        }
        if (bytes <= (1L << 20)) {
            return Long.highestOneBit(bytes - 1) << 1;
        }
        long pow = Long.highestOneBit(bytes);
        long step = pow >> 3;
        return (bytes + step - 1) / step * step;
    }

    /** A block of at least {@code bytes}; give it back with {@link #free}. */
    synchronized DevicePointer allocate(long bytes) {
        if (closed) {
            throw new IllegalStateException("the CUDA backend's allocator is closed");
        }
        boolean exact = driver.exactAllocations();
        long cls = exact ? exactClass(bytes) : sizeClass(bytes);
        ArrayDeque<DevicePointer> q = free.get(cls);
        DevicePointer p = q == null ? null : q.pollLast();
        if (p != null) {
            cachedBytes -= cls;
            reuses++;
            if (exact) {
                driver.memsetD32(p, NAN_BITS, cls / 4);
            }
        } else {
            p = driver.malloc(cls);
            if (p == null && cachedBytes > 0) {
                releaseCachedLocked();
                p = driver.malloc(cls);
            }
            if (p == null) {
                throw new CudaException("out of device memory: " + cls + " bytes for a request of " + bytes + "; live "
                        + liveBytes + " bytes, cached " + cachedBytes + " bytes");
            }
            driverAllocs++;
        }
        live.put(p, cls);
        liveBytes += cls;
        peakBytes = Math.max(peakBytes, liveBytes + cachedBytes);
        return p;
    }

    private static long exactClass(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocation size must be > 0, got " + bytes);
        }
        return (bytes + 3) / 4 * 4;
    }

    /** Returns a block to the cache; a second free of the same block, or a free after close, is ignored. */
    synchronized void free(DevicePointer p) {
        Long cls = live.remove(p);
        if (cls == null || closed) {
            return;
        }
        liveBytes -= cls;
        cachedBytes += cls;
        free.computeIfAbsent(cls, k -> new ArrayDeque<>()).addLast(p);
    }

    /** Gives every cached (free) block back to the driver. */
    public synchronized void releaseCached() {
        releaseCachedLocked();
    }

    private void releaseCachedLocked() {
        if (cachedBytes == 0) {
            return;
        }
        synchronize.run();
        for (ArrayDeque<DevicePointer> q : free.values()) {
            for (DevicePointer p : q) {
                driver.free(p);
                driverFrees++;
            }
        }
        free.clear();
        cachedBytes = 0;
    }

    /** The counters now. */
    public synchronized Stats stats() {
        return new Stats(liveBytes, cachedBytes, peakBytes, driverAllocs, reuses, driverFrees, live.size());
    }

    /** Frees every block, cached and live (live tensors become unusable). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        releaseCachedLocked();
        for (DevicePointer p : live.keySet()) {
            driver.free(p);
            driverFrees++;
        }
        live.clear();
        liveBytes = 0;
        closed = true;
    }
}

package io.github.blurdm.runtime.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Reuses released {@code float[]}s by exact length, so a forward pass that allocates the same
 * feature-map sizes over and over neither zeroes nor garbage-collects hundreds of megabytes per
 * image. Holds at most {@code maxBytes}; beyond that released arrays are left to the collector, and
 * when a new array does not fit the heap every held one is dropped before the allocation is retried.
 * Thread-safe.
 */
final class ArrayPool {
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final long maxBytes;
    private long heldBytes;
    private long hits;
    private long misses;

    ArrayPool(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** An array of exactly {@code n} floats with unspecified contents. */
    synchronized float[] take(int n) {
        ArrayDeque<float[]> q = free.get(n);
        if (q != null && !q.isEmpty()) {
            heldBytes -= 4L * n;
            hits++;
            return q.pop();
        }
        misses++;
        try {
            return new float[n];
        } catch (OutOfMemoryError e) {
            // the held arrays may be all that stands in the way (released tensors of other sizes): let the
            // collector have them and try once more, as a caching allocator frees its cache before failing
            clear();
            return new float[n];
        }
    }

    /** Gives {@code a} back; the caller must not touch it again. */
    synchronized void give(float[] a) {
        if (heldBytes + 4L * a.length > maxBytes) {
            return;
        }
        ArrayDeque<float[]> q = free.computeIfAbsent(a.length, k -> new ArrayDeque<>());
        for (float[] held : q) {
            if (held == a) {
                throw new IllegalStateException("a tensor's memory was released twice");
            }
        }
        q.push(a);
        heldBytes += 4L * a.length;
    }

    /** Bytes held for reuse. */
    synchronized long heldBytes() {
        return heldBytes;
    }

    synchronized void clear() {
        free.clear();
        heldBytes = 0;
    }

    /** "hits/misses, MiB held", for logs and tests. */
    synchronized String stats() {
        return hits + " reused, " + misses + " new, " + (heldBytes >> 20) + " MiB held";
    }
}

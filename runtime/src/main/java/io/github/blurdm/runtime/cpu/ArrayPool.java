package io.github.blurdm.runtime.cpu;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Reuses released {@code float[]}s by exact length, so a forward pass that allocates the same
 * feature-map sizes over and over neither zeroes nor garbage-collects hundreds of megabytes per
 * image. Holds at most {@code maxBytes}, the most recently released arrays first: a newly released
 * array evicts the least recently released ones (left to the collector), because a network repeats
 * its recent sizes (a stack of identical blocks) far more often than sizes of layers long past.
 * Keeping the oldest instead filled the pool with the encoder's sizes and turned every later block's
 * allocation into a new array (Stripformer at 1280x720: 28 GB allocated per image, the heap grown to
 * its maximum). When a new array does not fit the heap every held one is dropped before the
 * allocation is retried. Thread-safe.
 */
final class ArrayPool {
    /** Held arrays, most recently released first. A forward pass holds tens, so scans are cheap. */
    private final ArrayDeque<float[]> held = new ArrayDeque<>();
    private final long maxBytes;
    private long heldBytes;
    private long hits;
    private long misses;
    private long newBytes;
    private long evictions;

    ArrayPool(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** An array of exactly {@code n} floats with unspecified contents. */
    synchronized float[] take(int n) {
        for (Iterator<float[]> it = held.iterator(); it.hasNext(); ) {
            float[] a = it.next();
            if (a.length == n) {
                it.remove();
                heldBytes -= 4L * n;
                hits++;
                return a;
            }
        }
        misses++;
        newBytes += 4L * n;
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
        long bytes = 4L * a.length;
        if (bytes > maxBytes) {
            return;
        }
        for (float[] h : held) {
            if (h == a) {
                throw new IllegalStateException("a tensor's memory was released twice");
            }
        }
        held.addFirst(a);
        heldBytes += bytes;
        while (heldBytes > maxBytes) {
            heldBytes -= 4L * held.removeLast().length;
            evictions++;
        }
    }

    /** Bytes held for reuse. */
    synchronized long heldBytes() {
        return heldBytes;
    }

    synchronized void clear() {
        held.clear();
        heldBytes = 0;
    }

    /** "N reused, M new (X MiB), E evicted, K MiB held", for logs and benchmarks. */
    synchronized String stats() {
        return hits + " reused, " + misses + " new (" + (newBytes >> 20) + " MiB), " + evictions + " evicted, "
                + (heldBytes >> 20) + " MiB held";
    }
}

package io.github.blurdm.runtime.cpu;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Reuses released {@code float[]}s, so a forward pass that allocates feature maps over and over
 * neither zeroes nor garbage-collects hundreds of megabytes per image. A request for {@code n}
 * floats gets the shortest held array of {@code n} to {@code MAX_SLACK * n} floats (a tensor's
 * array may be longer than the tensor): a network needs few arrays at once but of many sizes
 * (Stripformer at 1280x720 has about 1.3 GB in use at its peak, spread over dozens of lengths),
 * so matching exact lengths kept a set of arrays per length, 4.8 GB in all, or with a cap evicted
 * and re-allocated 7.9 GB per image; best fit needs 2.0 GB and allocates nothing after it (traced
 * and replayed over policies: bench notes in RESULTS.md). Holds at most {@code maxBytes}, the most
 * recently released arrays first: a newly released array evicts the least recently released ones
 * (left to the collector), because a network repeats its recent sizes (a stack of identical
 * blocks) far more often than sizes of layers long past. When a new array does not fit the heap
 * every held one is dropped before the allocation is retried. Thread-safe.
 *
 * <p>With assertions enabled (tests) the part of a reused array past {@code n} is filled with NaN,
 * so that a kernel reading past its tensor's size shows up in its results.
 */
final class ArrayPool {
    /** The longest array a request may get, as a multiple of its length (bounds the waste of one tensor). */
    static final int MAX_SLACK = 8;
    private static final boolean POISON_SLACK = ArrayPool.class.desiredAssertionStatus();

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

    /** An array of at least {@code n} floats (at most {@code MAX_SLACK * n}) with unspecified contents. */
    synchronized float[] take(int n) {
        float[] best = null;
        long longest = (long) MAX_SLACK * n;
        for (float[] a : held) {
            if (a.length >= n && a.length <= longest && (best == null || a.length < best.length)) {
                best = a;
                if (a.length == n) {
                    break;
                }
            }
        }
        if (best != null) {
            held.removeFirstOccurrence(best);
            heldBytes -= 4L * best.length;
            hits++;
            if (POISON_SLACK) {
                Arrays.fill(best, n, best.length, Float.NaN);
            }
            return best;
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

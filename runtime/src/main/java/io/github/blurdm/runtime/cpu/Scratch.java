package io.github.blurdm.runtime.cpu;

import java.util.Arrays;

/**
 * Per-thread working buffers of the conv paths (packed weights, row buffers, Winograd's transformed
 * rows), one per {@link Slot}, kept between calls. Allocated afresh per call they were most of the
 * engine's garbage (about 0.6 GB per MIMO-UNet+ pass at 256x256), which the collector answered by
 * growing the heap: the process's peak RSS was 4x PyTorch's. A thread keeps each slot's largest
 * buffer (a few MiB at most).
 *
 * <p>Contents are unspecified: a buffer may hold an earlier call's data and be longer than asked for;
 * callers write what they read. A slot belongs to one role at a time on a thread: the weights slot to
 * the thread that calls a conv (its buffer is read by the workers until the call returns), the job
 * slots to the body of one {@link Parallel} chunk, which runs to its end on one thread.
 */
final class Scratch {
    /** The buffer roles; a body uses each at most once at a time. */
    enum Slot {
        /** Packed or transformed weights, on the thread that calls the conv. */
        WEIGHTS,
        /** Weights gathered before packing (ConvTranspose2dVector's phases), on the calling thread. */
        WEIGHTS_GATHER,
        /** First working buffer of a parallel job. */
        JOB_A,
        /** Second working buffer of a parallel job. */
        JOB_B,
        /** Third working buffer of a parallel job. */
        JOB_C
    }

    private static final Slot[] SLOTS = Slot.values();
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[SLOTS.length][]);

    /** Tests set this: every buffer handed out is first filled with NaN, so reading stale data shows. */
    static volatile boolean poison;

    private Scratch() {
    }

    /** A buffer of at least {@code n} floats for {@code slot} on this thread; contents unspecified. */
    static float[] get(Slot slot, int n) {
        float[][] mine = BUFFERS.get();
        float[] b = mine[slot.ordinal()];
        if (b == null || b.length < n) {
            b = new float[n];
            mine[slot.ordinal()] = b;
        }
        if (poison) {
            Arrays.fill(b, Float.NaN);
        }
        return b;
    }
}

package io.github.blurdm.runtime.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Splits an outer index range (images, channels, rows) over a fixed number of threads; the inner
 * loop always stays on one thread (llama3.java's {@code parallelFor}). One pool per backend.
 * Thread-safe.
 */
public final class Parallel implements AutoCloseable {
    private final int threads;
    private final ForkJoinPool pool;

    /** A pool of {@code threads} workers (1: everything runs on the caller). */
    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    /** The number of workers. */
    public int threads() {
        return threads;
    }

    /** Runs {@code body.accept(i)} for i in [0, n), in parallel when worthwhile. */
    public void forEach(int n, IntConsumer body) {
        forRange(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                body.accept(i);
            }
        });
    }

    /** A body over a half-open index range. */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes indices {@code from} (inclusive) to {@code to} (exclusive). */
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) split into contiguous chunks of at least {@code grain}
     * indices, about four chunks per thread for balance.
     */
    public void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(threads * 4, Math.max(1, n / Math.max(1, grain)));
        if (pool == null || chunks <= 1 || java.util.concurrent.ForkJoinTask.getPool() == pool) {
            body.run(0, n);
            return;
        }
        pool.invoke(new Chunk(body, n, chunks, 0, chunks));
    }

    private static final class Chunk extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient RangeBody body;
        private final int n;
        private final int chunks;
        private final int lo;
        private final int hi;

        Chunk(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                int from = (int) ((long) n * lo / chunks);
                int to = (int) ((long) n * hi / chunks);
                body.run(from, to);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunk(body, n, chunks, lo, mid), new Chunk(body, n, chunks, mid, hi));
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}

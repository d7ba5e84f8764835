package io.github.blurdm.spark;

import io.github.blurdm.blurdm.Deblurrer;
import io.github.blurdm.runtime.BackendChoice;
import io.github.blurdm.weights.WeightsException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engines of this executor JVM: one {@link Deblurrer} per job setting and device, built by the first
 * task that needs it (the weights are read once per JVM, not per task) and shared by every later task of
 * the executor. A Deblurrer runs one image at a time, so tasks sharing one take turns on it (see
 * {@link TaskSlot} for why one engine per executor and device). An engine that cannot be built is
 * remembered, so later tasks fail at once with the same reason instead of reading the weights again.
 * Engines no task holds are closed when another setting's engine is built (a second job in the same
 * application) and when the JVM exits.
 *
 * <p>Thread-safe.
 */
final class ExecutorEngines {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorEngines.class);

    /** Images with at least this many pixels make a CPU engine warm up first, as {@code blurdm deblur} does. */
    static final long WARM_UP_MIN_PIXELS = 512L * 512;

    private static final Map<EngineKey, Entry> ENGINES = new HashMap<>();
    private static final AtomicInteger BUILT = new AtomicInteger();
    private static boolean hookAdded;

    private ExecutorEngines() {
    }

    /** What makes two engines interchangeable. */
    record EngineKey(String weights, String prior, String conventions, String architecture, long seed, int tile,
            int overlap, BackendChoice backend, int cudaDevice, int cpuThreads) {
        static EngineKey of(JobSettings s, TaskSlot slot) {
            return new EngineKey(s.weights(), s.prior(), s.conventions(), s.architecture(), s.seed(), s.tile(),
                    s.overlap(), slot.backend(), slot.cudaDevice(), slot.cpuThreads());
        }
    }

    private static final class Entry {
        final EngineKey key;
        final Object buildLock = new Object();
        Deblurrer deblurrer;
        RuntimeException failure;
        int users;
        boolean firstImageSeen;

        Entry(EngineKey key) {
            this.key = key;
        }
    }

    /** A task's hold on an engine; {@link #close} gives it back (the engine stays for later tasks). */
    static final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        Deblurrer deblurrer() {
            return entry.deblurrer;
        }

        /**
         * Before this engine's first image: on the CPU, when the image has at least
         * {@link #WARM_UP_MIN_PIXELS} pixels, a small image first, so the JIT compiles the kernels before the
         * large one (the results are the same either way).
         */
        void beforeImage(long pixels) {
            synchronized (entry.buildLock) {
                if (!entry.firstImageSeen) {
                    entry.firstImageSeen = true;
                    if (entry.deblurrer.device().isCpu() && pixels >= WARM_UP_MIN_PIXELS) {
                        entry.deblurrer.warmUp();
                    }
                }
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                synchronized (ENGINES) {
                    entry.users--;
                }
            }
        }
    }

    /**
     * The engine for {@code key}, built now if this JVM has none.
     *
     * @throws EngineUnavailableException when it cannot be built here (now or by an earlier task)
     */
    static Lease acquire(EngineKey key, Configuration conf) {
        Entry e;
        synchronized (ENGINES) {
            if (!hookAdded) {
                hookAdded = true;
                Runtime.getRuntime().addShutdownHook(new Thread(ExecutorEngines::closeAll, "blurdm-engines-close"));
            }
            e = ENGINES.get(key);
            if (e == null) {
                closeIdle();
                e = new Entry(key);
                ENGINES.put(key, e);
            }
            e.users++;
        }
        try {
            synchronized (e.buildLock) {
                if (e.deblurrer == null && e.failure == null) {
                    try {
                        e.deblurrer = build(key, conf);
                        BUILT.incrementAndGet();
                    } catch (RuntimeException ex) {
                        e.failure = ex;
                    }
                }
                if (e.failure != null) {
                    throw e.failure;
                }
            }
        } catch (RuntimeException ex) {
            synchronized (ENGINES) {
                e.users--;
            }
            throw ex;
        }
        return new Lease(e);
    }

    /** How many engines this JVM has built (tests: a run that skips everything builds none). */
    static int built() {
        return BUILT.get();
    }

    private static Deblurrer build(EngineKey key, Configuration conf) {
        String where = key.backend().id() + (key.cudaDevice() > 0 ? " (CUDA device " + key.cudaDevice() + ")" : "")
                + " on " + host();
        try {
            Path weights = WeightsFiles.localize(key.weights(), "--weights", conf);
            Path prior = key.prior() == null ? null : WeightsFiles.localize(key.prior(), "--prior", conf);
            // ImageIO found its plug-ins (TwelveMonkeys' CMYK JPEG reader) through the class loader of the
            // thread that first used it; the job jar's are visible to the task's class loader.
            ImageIO.scanForPlugins();
            long t0 = System.nanoTime();
            Deblurrer d = Deblurrer.builder().weights(weights).prior(prior).seed(key.seed()).backend(key.backend())
                    .tileSize(key.tile()).overlap(key.overlap())
                    .conventions(key.conventions() == null ? null
                            : io.github.blurdm.blurdm.Origin.parse(key.conventions(), "--conventions"))
                    .architecture(key.architecture() == null ? null
                            : io.github.blurdm.blurdm.backbone.Backbone.parse(key.architecture(), "--architecture"))
                    .cudaDevice(key.cudaDevice()).cpuThreads(key.cpuThreads()).build();
            LOG.info("engine {} ready on {} in {} ms ({})", weights.getFileName(), d.backendName(),
                    (System.nanoTime() - t0) / 1_000_000, key.cpuThreads() + " CPU threads if on the CPU");
            return d;
        } catch (IOException | WeightsException | RuntimeException e) {
            throw new EngineUnavailableException("cannot start the engine (" + where + "): " + e.getMessage(), e);
        }
    }

    /** Closes engines no task holds. Caller holds ENGINES. */
    private static void closeIdle() {
        List<EngineKey> idle = new ArrayList<>();
        ENGINES.forEach((k, v) -> {
            if (v.users == 0) {
                idle.add(k);
            }
        });
        for (EngineKey k : idle) {
            Entry v = ENGINES.remove(k);
            if (v.deblurrer != null) {
                v.deblurrer.close();
            }
        }
    }

    private static void closeAll() {
        synchronized (ENGINES) {
            for (Entry v : ENGINES.values()) {
                if (v.deblurrer != null) {
                    v.deblurrer.close();
                }
            }
            ENGINES.clear();
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this executor";
        }
    }
}

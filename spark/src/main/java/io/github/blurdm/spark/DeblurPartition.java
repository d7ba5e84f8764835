package io.github.blurdm.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * A task: deblurs its share of the images one after another on the executor's engine and returns one
 * results-table row per image. The engine is taken on the first image that needs deblurring and given
 * back at the end; a task killed in between (a speculative twin that lost, a cancelled job) stops before
 * its next image, and its rows are dropped by Spark, so only the winning attempt's rows reach the table.
 */
final class DeblurPartition implements FlatMapFunction<Iterator<ImageItem>, Row> {
    private static final long serialVersionUID = 1L;

    /** Tests only: runs after each image, to fail or slow an attempt on purpose (this JVM's tasks only). */
    static volatile AfterImage afterImageHook;

    /** See {@link #afterImageHook}. */
    @FunctionalInterface
    interface AfterImage {
        void after(TaskContext task, ImageItem item);
    }

    private final JobSettings settings;
    private final HadoopConf conf;
    private final boolean metrics;

    DeblurPartition(JobSettings settings, HadoopConf conf, boolean metrics) {
        this.settings = settings;
        this.conf = conf;
        this.metrics = metrics;
    }

    @Override
    public Iterator<Row> call(Iterator<ImageItem> items) throws IOException {
        TaskContext task = TaskContext.get();
        List<Row> rows = new ArrayList<>();
        Path work = Files.createTempDirectory("blurdm-task-");
        EngineHold hold = new EngineHold();
        try {
            ImageWork w = new ImageWork(settings, conf.get(), work, hold::lease);
            while (items.hasNext()) {
                if (task != null && task.isInterrupted()) {
                    throw new TaskKilledException("killed before its next image");
                }
                ImageItem item = items.next();
                rows.add(w.process(item).toRow(metrics));
                AfterImage hook = afterImageHook;
                if (hook != null) {
                    hook.after(task, item);
                }
            }
        } finally {
            hold.close();
            deleteTree(work);
        }
        return rows.iterator();
    }

    /** The task's hold on its engine, taken when first needed. */
    private final class EngineHold implements AutoCloseable {
        private ExecutorEngines.Lease lease;

        ExecutorEngines.Lease lease() {
            if (lease == null) {
                TaskSlot slot = TaskSlot.current(settings);
                lease = ExecutorEngines.acquire(ExecutorEngines.EngineKey.of(settings, slot), conf.get());
            }
            return lease;
        }

        @Override
        public void close() {
            if (lease != null) {
                lease.close();
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }
}

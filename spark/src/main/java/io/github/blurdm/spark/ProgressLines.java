package io.github.blurdm.spark;

import java.io.PrintWriter;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress of the deblurring job on the driver's stdout: a line each time another tenth of the tasks has
 * finished, at most one per {@value #MIN_INTERVAL_SECONDS} seconds (and the last one always), so a run of
 * thousands of tasks says where it is without flooding the terminal or a log.
 */
final class ProgressLines extends SparkListener {
    static final int MIN_INTERVAL_SECONDS = 10;

    private final PrintWriter out;
    private final int tasks;
    private final long images;
    private final long t0 = System.nanoTime();
    private int done;
    private int lastTenth;
    private long lastLine = t0;

    ProgressLines(PrintWriter out, int tasks, long images) {
        this.out = out;
        this.tasks = tasks;
        this.images = images;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo() == null || !end.taskInfo().successful() || done >= tasks) {
            return;
        }
        done++;
        int tenth = done * 10 / tasks;
        long now = System.nanoTime();
        boolean last = done == tasks;
        if (last || (tenth > lastTenth && now - lastLine >= MIN_INTERVAL_SECONDS * 1_000_000_000L)) {
            lastTenth = tenth;
            lastLine = now;
            out.printf(Locale.ROOT, "blurdm-spark: %d/%d tasks done (about %d of %d images), %.0f s%n", done, tasks,
                    images * done / tasks, images, (now - t0) / 1e9);
            out.flush();
        }
    }
}

package io.github.blurdm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure handling on master local[2,2] (two attempts per task): a task attempt that dies after writing
 * some outputs is retried, and the outputs and table come out whole and once; a temporary file a killed
 * attempt left is swept; concurrent writers of one output (a speculative twin) leave one whole file.
 */
class SparkRetryTest {
    @TempDir
    static Path dir;

    private static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkSession.builder().master("local[2,2]").appName("blurdm-spark-retry-test")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        DeblurPartition.afterImageHook = null;
        spark.stop();
    }

    @Test
    void aRetriedTaskLeavesNoPartialOrDuplicateOutput() throws Exception {
        Path in = dir.resolve("in");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SparkTests.write(in, "p" + i + ".png", SparkTests.picture(32, 24, BufferedImage.TYPE_INT_RGB, 20 + i), "png");
            names.add("p" + i + ".png");
        }
        Path reference = dir.resolve("cli");
        assertEquals(0, SparkTests.cli("deblur", "--weights", SparkTests.model(), "--backend", "cpu", "--progress",
                "none", in, "--out", reference).code());
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        // what an executor lost in the middle of a write leaves behind
        Path leftover = Files.writeString(out.resolve(".p2.png.00c0ffee.tmp"), "half an image");
        // the first attempt of every task dies after its first image, with that image already written
        AtomicInteger killed = new AtomicInteger();
        DeblurPartition.afterImageHook = (task, item) -> {
            if (task.attemptNumber() == 0) {
                killed.incrementAndGet();
                throw new IllegalStateException("planted failure after " + item.input());
            }
        };
        SparkTests.Run r;
        try {
            r = SparkTests.job(spark, "--weights", SparkTests.model(), "--backend", "cpu", "--images-per-task", "2",
                    in, "--out", out);
        } finally {
            DeblurPartition.afterImageHook = null;
        }
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(2, killed.get(), "both tasks' first attempts died");
        assertEquals(names, SparkTests.names(out));
        for (String n : names) {
            assertArrayEquals(Files.readAllBytes(reference.resolve(n)), Files.readAllBytes(out.resolve(n)), n);
        }
        assertFalse(Files.exists(leftover), "swept");
        try (var s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
        assertTrue(r.out().contains("removed 1 temporary files left by killed task attempts"), r.out());
        List<Row> rows = spark.read().parquet(out.resolve("_results/results.parquet").toString()).collectAsList();
        assertEquals(4, rows.size(), "one row per image: " + rows);
        assertEquals(4, rows.stream().map(row -> row.getString(0)).distinct().count());
        assertTrue(rows.stream().allMatch(row -> "ok".equals(row.getString(2))));
    }

    @Test
    void twoAttemptsWritingOneOutputAtOnceLeaveOneWholeFile() throws Exception {
        // a speculative twin and its original write the same output at the same time
        Path target = dir.resolve("race/out.png");
        BufferedImage img = SparkTests.picture(64, 48, BufferedImage.TYPE_INT_RGB, 3);
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        org.apache.hadoop.fs.Path hp = new org.apache.hadoop.fs.Path(target.toUri());
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (int k = 0; k < 20; k++) {
                        HadoopFiles.writeAtomically(hp, conf, dir, p -> io.github.blurdm.blurdm.pipeline.Images.writePng(img, p));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(List.of(), errors);
        assertArrayEquals(img.getRGB(0, 0, 64, 48, null, 0, 64), SparkTests.pixels(target));
        try (var s = Files.list(target.getParent())) {
            assertEquals(List.of("out.png"), s.map(p -> p.getFileName().toString()).toList());
        }
    }
}

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/blurdm-spark --master local[2] --weights W IN --out DIR} as the README runs it after the build
 * (the job jar on the copied Spark jars, in a JVM of its own), against {@code bin/blurdm deblur} on the same
 * inputs: the same output files byte for byte, the results CSV, the exit code.
 */
class BlurdmSparkLauncherIT {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private Result run(String launcher, Object... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", SparkTests.repoRoot().resolve(launcher).toString()));
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("BLURDM_JAVA_OPTS");
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), launcher + " finished");
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void localRunWritesWhatBinBlurdmWrites() throws Exception {
        Path in = dir.resolve("in");
        SparkTests.write(in, "one.png", SparkTests.picture(40, 32, BufferedImage.TYPE_INT_RGB, 1), "png");
        SparkTests.write(in, "two.jpg", SparkTests.picture(24, 32, BufferedImage.TYPE_INT_ARGB, 2), "png");
        Files.writeString(in.resolve("broken.png"), "not an image");
        Result cli = run("bin/blurdm", "deblur", "--weights", SparkTests.model(), "--backend", "cpu", "--progress", "none",
                in, "--out", dir.resolve("cli"));
        assertEquals(1, cli.code(), cli.err());
        Result job = run("bin/blurdm-spark", "--master", "local[2]", "--weights", SparkTests.model(), "--backend", "cpu",
                in, "--out", dir.resolve("spark"));
        assertEquals(1, job.code(), job.out() + job.err());
        assertEquals(List.of("one.png", "two.png"), SparkTests.names(dir.resolve("spark")));
        for (String n : List.of("one.png", "two.png")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("cli").resolve(n)), Files.readAllBytes(dir.resolve("spark").resolve(n)), n);
        }
        List<String> csv = Files.readAllLines(dir.resolve("spark/_results/results.csv"));
        assertEquals(4, csv.size(), csv.toString());
        assertTrue(csv.get(1).startsWith(in.resolve("broken.png") + "," + dir.resolve("spark/broken.png") + ",failed,\""
                + in.resolve("broken.png") + ": not an image"), csv.get(1));
        assertTrue(job.out().contains("3 images in "), job.out());
        assertTrue(job.err().contains("failed " + in.resolve("broken.png") + ": not an image"), job.err());
        assertFalse(job.err().contains("Using incubator modules"), "the JDK's notice is filtered");
        assertFalse(job.err().contains(" INFO org.apache.spark"), "Spark's INFO lines are off: " + job.err());
    }
}

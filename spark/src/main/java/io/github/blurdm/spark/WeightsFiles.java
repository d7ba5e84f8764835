package io.github.blurdm.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkFiles;

/**
 * Finds the weights file ({@code --weights}, {@code --prior}) on the machine a task runs on, once per JVM:
 * <ol>
 * <li>a local path that exists here (a shared file system mounted everywhere, or local mode);</li>
 * <li>a file shipped with {@code spark-submit --files} under that file name ({@link SparkFiles});</li>
 * <li>a file on another Hadoop file system ({@code hdfs://}, {@code s3a://}), copied into a local
 *     temporary folder the first time and reused by every later engine of this JVM.</li>
 * </ol>
 */
final class WeightsFiles {
    private static final Map<String, java.nio.file.Path> COPIES = new ConcurrentHashMap<>();

    private WeightsFiles() {
    }

    /** The local file for {@code given}, the option's value as the user wrote it. */
    static java.nio.file.Path localize(String given, String option, Configuration conf) throws IOException {
        Path p = new Path(given);
        FileSystem fs = p.getFileSystem(conf);
        if (HadoopFiles.isLocal(fs)) {
            java.nio.file.Path local = HadoopFiles.local(p, conf);
            if (Files.isRegularFile(local)) {
                return local;
            }
            java.nio.file.Path shipped = shipped(p.getName());
            if (shipped != null) {
                return shipped;
            }
            throw new IOException(option + " " + given + ": no such file on " + host() + " (give a path every "
                    + "executor can read: a shared file system, hdfs:// or s3a://; or ship the file with "
                    + "spark-submit --files " + given + ")");
        }
        java.nio.file.Path copy = COPIES.get(given);
        if (copy != null && Files.isRegularFile(copy)) {
            return copy;
        }
        synchronized (COPIES) {
            copy = COPIES.get(given);
            if (copy == null || !Files.isRegularFile(copy)) {
                if (!fs.isFile(p)) {
                    throw new IOException(option + " " + given + ": no such file");
                }
                java.nio.file.Path dir = Files.createTempDirectory("blurdm-weights-");
                dir.toFile().deleteOnExit();
                copy = dir.resolve(p.getName());
                fs.copyToLocalFile(false, p, new Path(copy.toUri()), true);
                copy.toFile().deleteOnExit();
                COPIES.put(given, copy);
            }
            return copy;
        }
    }

    /** The file shipped with --files under this name, or null (also outside a Spark JVM). */
    private static java.nio.file.Path shipped(String name) {
        try {
            java.nio.file.Path f = java.nio.file.Path.of(SparkFiles.get(name));
            return Files.isRegularFile(f) ? f : null;
        } catch (RuntimeException e) {
            return null;
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

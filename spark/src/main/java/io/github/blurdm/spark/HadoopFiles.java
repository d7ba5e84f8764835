package io.github.blurdm.spark;

import io.github.blurdm.blurdm.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Files on any Hadoop file system, seen by code that reads and writes {@code java.nio} paths (blurdm's
 * {@code Images} and {@code AtomicFiles}). A file on the local file system is used in place, so reading,
 * writing and error messages are exactly {@code blurdm deblur}'s; a file elsewhere (HDFS, S3 ...) is
 * copied to a local working file first, or written locally and then uploaded under a hidden temporary
 * name and renamed, so that no reader ever sees half an image.
 */
final class HadoopFiles {
    private HadoopFiles() {
    }

    /** A path as the URI string the job carries it in (no parsing surprises with ':' or spaces in names). */
    static String uri(Path p) {
        URI u = p.toUri();
        String authority = u.getAuthority() == null || u.getAuthority().isEmpty() ? null : u.getAuthority();
        try {
            // one spelling per file ("file:/a", never also "file:///a"), so equal files compare equal
            return new URI(u.getScheme(), authority, u.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid path: " + p, e);
        }
    }

    /** The Hadoop path of a URI string made by {@link #uri}. */
    static Path path(String uri) {
        try {
            return new Path(new URI(uri));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI: " + uri, e);
        }
    }

    /** What the results table and messages call a file: a local file by its path, others by their URI. */
    static String display(String uri) {
        try {
            URI u = new URI(uri);
            return "file".equals(u.getScheme()) ? u.getPath() : uri;
        } catch (URISyntaxException e) {
            return uri; // an argument that named no file, kept as it was given
        }
    }

    /** Whether {@code fs} is the local file system (with or without Hadoop's checksum files). */
    static boolean isLocal(FileSystem fs) {
        return fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem;
    }

    /** The local file of {@code p}, or null when it lives on another file system. */
    static java.nio.file.Path local(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        if (!isLocal(fs)) {
            return null;
        }
        return java.nio.file.Path.of(fs.makeQualified(p).toUri());
    }

    /**
     * A local file with the content of {@code p}: the file itself when it is local, else a copy in
     * {@code workDir} with the same name (so messages that name the copy can be mapped back).
     */
    static java.nio.file.Path fetch(Path p, Configuration conf, java.nio.file.Path workDir) throws IOException {
        java.nio.file.Path local = local(p, conf);
        if (local != null) {
            return local;
        }
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.isFile(p)) {
            throw new IOException(p + ": not a file");
        }
        java.nio.file.Path copy = Files.createTempDirectory(workDir, "in").resolve(p.getName());
        fs.copyToLocalFile(false, p, new Path(copy.toUri()), true);
        return copy;
    }

    /** Whether {@code p} exists. */
    static boolean exists(Path p, Configuration conf) throws IOException {
        return p.getFileSystem(conf).exists(p);
    }

    /** What fills a local file. */
    @FunctionalInterface
    interface LocalWriter {
        /** Writes the whole file {@code target} (its folder exists), atomically where it replaces one. */
        void write(java.nio.file.Path target) throws IOException;
    }

    /**
     * Writes {@code target} whole or not at all. Local: {@code writer} writes it in place (blurdm's writers
     * go through {@link AtomicFiles}). Elsewhere: {@code writer} writes a local file in {@code workDir},
     * which is uploaded as {@code .NAME.HEX.tmp} beside the target and renamed over it; the temporary
     * file is removed when anything fails, and a retried or speculative task's twin writes the same
     * bytes under its own temporary name, so the target is always one whole image.
     *
     * @return the local file holding what was written (the target itself, or the local copy)
     */
    static java.nio.file.Path writeAtomically(Path target, Configuration conf, java.nio.file.Path workDir,
            LocalWriter writer) throws IOException {
        java.nio.file.Path local = local(target, conf);
        if (local != null) {
            Files.createDirectories(local.toAbsolutePath().getParent());
            writer.write(local);
            return local;
        }
        java.nio.file.Path staged = Files.createTempDirectory(workDir, "out").resolve(target.getName());
        writer.write(staged);
        FileSystem fs = target.getFileSystem(conf);
        Path tmp = new Path(target.getParent(), temporaryName(target.getName()));
        try {
            fs.mkdirs(target.getParent());
            fs.copyFromLocalFile(false, true, new Path(staged.toUri()), tmp);
            if (!fs.rename(tmp, target)) {
                // HDFS and others do not rename over an existing file: drop it first (a moment without the
                // file, never a partial one).
                fs.delete(target, false);
                if (!fs.rename(tmp, target)) {
                    throw new IOException("cannot rename " + tmp + " to " + target);
                }
            }
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, false);
            }
        }
        return staged;
    }

    /**
     * The hidden temporary name a file is written under before its rename: {@code .NAME.HEX.tmp}, the same
     * shape as {@link AtomicFiles}' temporary files, so {@link TemporaryFiles} sweeps both.
     */
    static String temporaryName(String name) {
        return "." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp";
    }
}

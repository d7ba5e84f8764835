package io.github.blurdm.spark;

import io.github.blurdm.blurdm.cli.CliFileNames;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * {@code blurdm deblur}'s rules for one {@code IN} argument, on a Hadoop file system other than the local
 * one (the local one is expanded by the command's own code, {@link CliFileNames#expand}): a file is taken
 * whatever its name; a folder gives its image files ({@link CliFileNames#isImageName}, hidden ones skipped),
 * sorted, with {@code recursive} also from sub-folders, whose structure the outputs keep; an argument with
 * a wildcard (star, question mark, bracket or brace) that is not a file is a glob whose wildcard part matches
 * paths below the part before it (a double star crosses folders), taking image files only. {@code InputExpansionTest} checks these against the
 * command's expansion on the same local folders.
 */
final class HadoopGlobs {
    private HadoopGlobs() {
    }

    /** An input file and its output path relative to {@code --out} ("a.png", "sub/b.png"). */
    record Found(Path input, String output) {
    }

    /**
     * Adds the images {@code arg} names to {@code found}.
     *
     * @return null, or why the argument gives no image (the command's wording)
     */
    static String expand(String arg, boolean recursive, String format, Configuration conf, List<Found> found)
            throws IOException {
        Path p = new Path(arg);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus st = status(fs, p);
        if (st != null && st.isFile()) {
            found.add(new Found(p, CliFileNames.outputName(p.getName(), format)));
            return null;
        }
        if (st != null && st.isDirectory()) {
            List<Found> in = new ArrayList<>();
            for (FileStatus f : walk(fs, st.getPath(), recursive ? Integer.MAX_VALUE : 1)) {
                String rel = relative(st.getPath(), f.getPath());
                if (CliFileNames.isImageName(f.getPath().getName()) && !hidden(rel)) {
                    in.add(new Found(f.getPath(), outputPath(rel, format)));
                }
            }
            in.sort(Comparator.comparing(f -> f.input().toString()));
            found.addAll(in);
            return in.isEmpty() ? "folder has no " + extensionList() + " images"
                    + (recursive ? "" : " (use --recursive for sub-folders)") : null;
        }
        if (CliFileNames.isGlob(arg)) {
            return glob(arg, format, conf, found);
        }
        return st != null ? "not a regular file or folder" : "no such file or folder";
    }

    private static String glob(String arg, String format, Configuration conf, List<Found> found) throws IOException {
        String[] parts = arg.split("/", -1);
        int first = 0;
        while (first < parts.length && !CliFileNames.isGlob(parts[first])) {
            first++;
        }
        String baseText = String.join("/", java.util.Arrays.copyOfRange(parts, 0, first));
        String pattern = String.join("/", java.util.Arrays.copyOfRange(parts, first, parts.length));
        Path base = new Path(baseText.isEmpty() ? "." : baseText);
        FileSystem fs = base.getFileSystem(conf);
        FileStatus st = status(fs, base);
        if (st == null || !st.isDirectory()) {
            return "no such folder: " + base;
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int depth = pattern.contains("**") ? Integer.MAX_VALUE : parts.length - first;
        List<Found> in = new ArrayList<>();
        for (FileStatus f : walk(fs, st.getPath(), depth)) {
            String rel = relative(st.getPath(), f.getPath());
            if (CliFileNames.isImageName(f.getPath().getName()) && m.matches(java.nio.file.Path.of(rel))) {
                in.add(new Found(f.getPath(), CliFileNames.outputName(f.getPath().getName(), format)));
            }
        }
        in.sort(Comparator.comparing(f -> f.input().toString()));
        found.addAll(in);
        return in.isEmpty() ? "the pattern matches no " + extensionList() + " images" : null;
    }

    /** Regular files under {@code dir}, at most {@code depth} levels down (1: its own files). */
    private static List<FileStatus> walk(FileSystem fs, Path dir, int depth) throws IOException {
        List<FileStatus> out = new ArrayList<>();
        if (depth == Integer.MAX_VALUE) {
            // one listing call per bucket prefix on object stores, rather than one per folder
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
            while (it.hasNext()) {
                out.add(it.next());
            }
            return out;
        }
        for (FileStatus f : fs.listStatus(dir)) {
            if (f.isFile()) {
                out.add(f);
            } else if (f.isDirectory() && depth > 1) {
                out.addAll(walk(fs, f.getPath(), depth - 1));
            }
        }
        return out;
    }

    private static FileStatus status(FileSystem fs, Path p) throws IOException {
        try {
            return fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private static String relative(Path root, Path f) {
        String r = root.toUri().getPath();
        String s = f.toUri().getPath();
        String prefix = r.endsWith("/") ? r : r + "/";
        return s.startsWith(prefix) ? s.substring(prefix.length()) : f.getName();
    }

    private static boolean hidden(String rel) {
        for (String part : rel.split("/")) {
            if (part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** "sub/a.jpg" -> "sub/a.png". */
    private static String outputPath(String rel, String format) {
        int slash = rel.lastIndexOf('/');
        return rel.substring(0, slash + 1) + CliFileNames.outputName(rel.substring(slash + 1), format);
    }

    private static String extensionList() {
        return String.join("/", CliFileNames.imageExtensions()).toUpperCase(Locale.ROOT).replace("JPG/JPEG", "JPEG");
    }
}

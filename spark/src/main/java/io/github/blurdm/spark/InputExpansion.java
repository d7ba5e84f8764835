package io.github.blurdm.spark;

import io.github.blurdm.blurdm.cli.CliFileNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The job's images, found on the driver, each with the output path {@code blurdm deblur} would write.
 * Arguments on the local file system (a path without a scheme where the default file system is local, or
 * {@code file:}) are expanded by the command's own code ({@link CliFileNames#expand}); arguments on other
 * file systems by {@link HadoopGlobs}, under the same rules. A file reached twice is taken once; an argument
 * that gives no image becomes a failed row naming it; two inputs with one output name are a conflict the
 * job refuses before any work, as the command does; an output that is one of the inputs fails that image.
 */
final class InputExpansion {
    /** A scheme followed by a slash: "hdfs://nn/x", "s3a://b/x", "file:/x". */
    private static final Pattern URI_ARG = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");

    /** The images, and the arguments or table rows that gave none (as failed items). */
    final List<ImageItem> items = new ArrayList<>();
    /** Output URI -> the inputs (display form) that would all be written there. */
    final Map<String, List<String>> conflicts = new LinkedHashMap<>();

    private final Path out;
    private final Configuration conf;
    private final Set<String> seen = new HashSet<>();
    private final Map<String, List<String>> byOutput = new LinkedHashMap<>();

    InputExpansion(Path out, Configuration conf) {
        this.out = out;
        this.conf = conf;
    }

    /** Adds the images of {@code IN} arguments. */
    void addArguments(List<String> args, boolean recursive, String format) throws IOException {
        boolean defaultLocal = HadoopFiles.isLocal(FileSystem.get(conf));
        for (String arg : args) {
            String local = localForm(arg, defaultLocal);
            if (local != null) {
                CliFileNames.Expansion e = CliFileNames.expand(List.of(local), recursive, format);
                e.problems().forEach((a, why) -> items.add(ImageItem.failed(arg, null, arg + ": " + why)));
                for (CliFileNames.Named n : e.items()) {
                    java.nio.file.Path abs = n.input().toAbsolutePath().normalize();
                    add(HadoopFiles.uri(new Path(abs.toUri())), realKey(abs),
                            relativeOutput(n.output().toString().replace(java.io.File.separatorChar, '/')));
                }
            } else {
                List<HadoopGlobs.Found> found = new ArrayList<>();
                String why = HadoopGlobs.expand(arg, recursive, format, conf, found);
                if (why != null) {
                    items.add(ImageItem.failed(arg, null, arg + ": " + why));
                }
                for (HadoopGlobs.Found f : found) {
                    String uri = HadoopFiles.uri(f.input().getFileSystem(conf).makeQualified(f.input()));
                    add(uri, uri, relativeOutput(f.output()));
                }
            }
        }
    }

    /**
     * Adds one table row's path: a file, whatever its name (no folder or glob expansion: a table lists
     * files). A relative path is taken relative to the table's folder, so a table travels with its images.
     *
     * @param row the 1-based row number, for the message of an empty path
     */
    void addTablePath(String value, Path tableFolder, String format, long row, String column) throws IOException {
        if (value == null || value.isBlank()) {
            items.add(ImageItem.failed("(row " + row + ")", null, "row " + row + ": empty '" + column + "'"));
            return;
        }
        Path p = URI_ARG.matcher(value).matches() || value.startsWith("/") ? new Path(value) : new Path(tableFolder, value);
        Path q = p.getFileSystem(conf).makeQualified(p);
        String uri = HadoopFiles.uri(q);
        add(uri, uri, relativeOutput(CliFileNames.outputName(q.getName(), format)));
    }

    /** Refuses nothing yet; call after all inputs are added: fills {@link #conflicts}, fails outputs that are inputs. */
    void finish() {
        byOutput.forEach((o, ins) -> {
            if (ins.size() > 1) {
                conflicts.put(o, ins);
            }
        });
        Set<String> inputs = new HashSet<>();
        for (ImageItem it : items) {
            inputs.add(it.input());
        }
        for (int i = 0; i < items.size(); i++) {
            ImageItem it = items.get(i);
            if (it.failure() == null && inputs.contains(it.output())) {
                items.set(i, ImageItem.failed(it.input(), it.output(), HadoopFiles.display(it.input())
                        + ": the output " + HadoopFiles.display(it.output()) + " is an input of this run; it is "
                        + "never overwritten: choose another --out"));
            }
        }
    }

    /** The number of images (not counting arguments that gave none). */
    long images() {
        return items.stream().filter(i -> i.output() != null).count();
    }

    private void add(String inputUri, String key, String outputUri) {
        if (seen.add(key)) {
            items.add(ImageItem.of(inputUri, outputUri));
            byOutput.computeIfAbsent(outputUri, k -> new ArrayList<>()).add(HadoopFiles.display(inputUri));
        }
    }

    private String relativeOutput(String rel) {
        return HadoopFiles.uri(new Path(out, rel));
    }

    /** The local path an argument names, or null when it lives on another file system. */
    private static String localForm(String arg, boolean defaultLocal) {
        if (arg.startsWith("file:")) {
            String rest = arg.substring("file:".length());
            // file:/a, file:///a and file://localhost/a all name /a; wildcards stay as they are
            return rest.startsWith("//") ? rest.substring(rest.indexOf('/', 2)) : rest;
        }
        return URI_ARG.matcher(arg).matches() || !defaultLocal ? null : arg;
    }

    /** The real path (symbolic links resolved) as the key a file reached twice is recognised by. */
    private static String realKey(java.nio.file.Path p) {
        try {
            return p.toRealPath().toUri().toString();
        } catch (IOException e) {
            return p.toUri().toString();
        }
    }
}

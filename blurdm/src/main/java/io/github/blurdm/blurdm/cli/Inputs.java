package io.github.blurdm.blurdm.cli;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands the {@code IN...} arguments of {@code blurdm deblur} into image files and their output names.
 * <ul>
 * <li>a file is taken whatever its name (its content decides whether it is an image);</li>
 * <li>a folder contributes its files named {@code *.png, *.jpg, *.jpeg, *.bmp} (any case, hidden files
 *     skipped), sorted by name; with {@code recursive}, sub-folders too, and each output keeps its
 *     sub-folder under the output folder;</li>
 * <li>an argument containing {@code *}, {@code ?}, {@code [} or <code>{</code> that is not an existing
 *     file is a glob, expanded here (the shell may not have): the part before the first wildcard segment
 *     is the folder searched, the rest a {@link java.nio.file.FileSystem#getPathMatcher glob} over paths
 *     relative to it ({@code **} crosses folders); matches are filtered to the image extensions above
 *     and sorted.</li>
 * </ul>
 * A file reached twice (e.g. by a folder and a glob) is processed once. An argument that names nothing,
 * or a folder or glob without images, is an error for that argument. Two inputs with the same output
 * name (a.jpg and a.png) are a conflict that the caller refuses.
 */
final class Inputs {
    /** File name extensions taken from folders and globs. */
    static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp");

    /** One image to deblur: its path and its output path relative to the output folder. */
    record Item(Path input, Path output) {
    }

    /** An argument that produced no image, with the reason. */
    record Problem(String argument, String message) {
    }

    final List<Item> items = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();
    /** Output names claimed by more than one input: output -> the inputs. */
    final Map<Path, List<Path>> conflicts = new LinkedHashMap<>();

    /** The outputs' extension, with its dot (".png"). */
    private final String extension;

    private Inputs(String extension) {
        this.extension = extension;
    }

    /** The inputs {@code args} name; each output is named after its input with {@code extension} (".png"). */
    static Inputs resolve(List<String> args, boolean recursive, String extension) {
        Inputs r = new Inputs(extension);
        Set<Path> seen = new HashSet<>();
        Map<Path, List<Path>> byOutput = new LinkedHashMap<>();
        for (String arg : args) {
            List<Item> found = new ArrayList<>();
            String problem = r.expand(arg, recursive, found);
            if (problem != null) {
                r.problems.add(new Problem(arg, problem));
                continue;
            }
            for (Item it : found) {
                if (seen.add(realOrAbsolute(it.input()))) {
                    r.items.add(it);
                    byOutput.computeIfAbsent(it.output(), k -> new ArrayList<>()).add(it.input());
                }
            }
        }
        byOutput.forEach((out, ins) -> {
            if (ins.size() > 1) {
                r.conflicts.put(out, ins);
            }
        });
        return r;
    }

    private String expand(String arg, boolean recursive, List<Item> found) {
        Path p = Path.of(arg);
        if (Files.isRegularFile(p)) {
            found.add(new Item(p, outputName(p)));
            return null;
        }
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = recursive ? Files.walk(p) : Files.list(p)) {
                s.filter(f -> Files.isRegularFile(f) && isImageName(f) && !hidden(p, f)).sorted()
                        .forEach(f -> found.add(new Item(f, p.relativize(f).resolveSibling(outputName(f)))));
            } catch (IOException | java.io.UncheckedIOException e) {
                return "cannot list folder: " + e.getMessage();
            }
            return found.isEmpty() ? "folder has no " + extensionList() + " images"
                    + (recursive ? "" : " (use --recursive for sub-folders)") : null;
        }
        if (isGlob(arg)) {
            return glob(arg, found);
        }
        return Files.exists(p) ? "not a regular file or folder" : "no such file or folder";
    }

    private String glob(String arg, List<Item> found) {
        String sep = FileSystems.getDefault().getSeparator();
        String norm = arg.replace(sep, "/");
        String[] parts = norm.split("/", -1);
        int first = 0;
        while (first < parts.length && !isGlob(parts[first])) {
            first++;
        }
        boolean absolute = norm.startsWith("/");
        String baseText = String.join("/", java.util.Arrays.copyOfRange(parts, 0, first));
        Path base = baseText.isEmpty() ? Path.of(absolute ? "/" : ".") : Path.of(baseText);
        String pattern = String.join("/", java.util.Arrays.copyOfRange(parts, first, parts.length));
        if (!Files.isDirectory(base)) {
            return "no such folder: " + base;
        }
        PathMatcher m = base.getFileSystem().getPathMatcher("glob:" + pattern);
        boolean deep = parts.length - first > 1 || pattern.contains("**");
        int depth = pattern.contains("**") ? Integer.MAX_VALUE : parts.length - first;
        final Path root = base;
        boolean relativeBase = baseText.isEmpty() && !absolute;
        try (Stream<Path> s = deep ? Files.walk(root, depth) : Files.list(root)) {
            s.filter(f -> Files.isRegularFile(f) && isImageName(f) && m.matches(root.relativize(f)))
                    .sorted()
                    .forEach(f -> {
                        Path in = relativeBase ? root.relativize(f) : f;
                        found.add(new Item(in, outputName(f)));
                    });
        } catch (IOException | java.io.UncheckedIOException e) {
            return "cannot list folder " + root + ": " + e.getMessage();
        }
        return found.isEmpty() ? "the pattern matches no " + extensionList() + " images" : null;
    }

    static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    static boolean isImageName(Path f) {
        return isImageName(f.getFileName().toString());
    }

    /** Whether a file name has one of the {@link #EXTENSIONS} (any case). */
    static boolean isImageName(String n) {
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean hidden(Path root, Path f) {
        for (Path part : root.relativize(f)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** The output file name of an input: its base name (last extension removed) plus the outputs' extension. */
    private Path outputName(Path input) {
        return Path.of(outputName(input.getFileName().toString(), extension));
    }

    /** {@code n} without its last extension, plus {@code extension} (".png"). */
    static String outputName(String n, String extension) {
        int dot = n.lastIndexOf('.');
        return (dot > 0 ? n.substring(0, dot) : n) + extension;
    }

    private static Path realOrAbsolute(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static String extensionList() {
        return String.join("/", EXTENSIONS).toUpperCase(Locale.ROOT).replace("JPG/JPEG", "JPEG");
    }
}

package io.github.blurdm.blurdm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The file rules of {@code blurdm deblur} and {@code blurdm eval}, public for tools that must take,
 * name and pair files exactly as they do (the Spark job in {@code blurdm-spark}): which arguments
 * give which images, what each output is called, and which ground-truth file an output is measured
 * against. Each method delegates to the command's own code, so the rules live in one place.
 */
public final class CliFileNames {
    private CliFileNames() {
    }

    /** One input file of {@code deblur} and its output path relative to {@code --out}. */
    public record Named(Path input, Path output) {
    }

    /**
     * What {@code deblur}'s {@code IN...} arguments expand to.
     *
     * @param items     the images in the order deblur takes them, each once
     * @param problems  argument -> why it gave no image ("no such file or folder", ...)
     * @param conflicts output path -> the inputs that would all be written there (deblur refuses these)
     */
    public record Expansion(List<Named> items, Map<String, String> problems, Map<Path, List<Path>> conflicts) {
    }

    /** The file name extensions folders and globs contribute ("png", "jpg", "jpeg", "bmp"). */
    public static List<String> imageExtensions() {
        return Inputs.EXTENSIONS;
    }

    /** Whether a folder or glob would take a file of this name (its extension, any case). */
    public static boolean isImageName(String fileName) {
        return Inputs.isImageName(fileName);
    }

    /** Whether deblur treats an argument that is not an existing file as a glob. */
    public static boolean isGlob(String argument) {
        return Inputs.isGlob(argument);
    }

    /**
     * The output file name deblur gives an input file name: the name without its last extension,
     * plus ".png" or ".jpg".
     *
     * @param format "png" or "jpg" (deblur's {@code --format})
     */
    public static String outputName(String inputFileName, String format) {
        return Inputs.outputName(inputFileName, extension(format));
    }

    /** Expands deblur's {@code IN...} arguments on the local file system, exactly as the command does. */
    public static Expansion expand(List<String> args, boolean recursive, String format) {
        Inputs r = Inputs.resolve(args, recursive, extension(format));
        List<Named> items = new ArrayList<>();
        for (Inputs.Item it : r.items) {
            items.add(new Named(it.input(), it.output()));
        }
        Map<String, String> problems = new LinkedHashMap<>();
        for (Inputs.Problem p : r.problems) {
            problems.put(p.argument(), p.message());
        }
        return new Expansion(List.copyOf(items), problems, r.conflicts);
    }

    /**
     * The ground-truth file name {@code eval} measures each prediction file name against: equal names,
     * then names equal without their extension where each side has exactly one such file.
     */
    public static SortedMap<String, String> evalPairs(SortedSet<String> predNames, SortedSet<String> gtNames) {
        return new TreeMap<>(EvalCommand.pair(predNames, gtNames));
    }

    private static String extension(String format) {
        String f = format.toLowerCase(Locale.ROOT);
        if (f.equals("png")) {
            return ".png";
        }
        if (f.equals("jpg") || f.equals("jpeg")) {
            return ".jpg";
        }
        throw new IllegalArgumentException("format must be png or jpg, not " + format);
    }
}

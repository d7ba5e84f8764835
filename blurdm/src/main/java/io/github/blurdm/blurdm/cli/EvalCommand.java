package io.github.blurdm.blurdm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.blurdm.blurdm.metrics.Psnr;
import io.github.blurdm.blurdm.metrics.Ssim3d;
import io.github.blurdm.blurdm.AtomicFiles;
import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.runtime.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code blurdm eval --pred DIR --gt DIR [--csv FILE] [--json FILE]}: PSNR and SSIM of result images
 * against ground truth, exactly as the official BlurDM evaluation computes them (blurdm-spec.md
 * section 9; see {@link Psnr} and {@link Ssim3d}: RGB, no border crop, 3-D Gaussian SSIM, float64).
 *
 * <p>Pairs are the file names present in both folders (regular files; names starting with '.' are
 * ignored), in sorted order, then among the rest the names equal without their extension, when each
 * folder has one such file ({@code a.png} with {@code a.jpg}: deblur writes PNGs); a file left
 * unpaired is noted on stderr and not measured.
 * Images are read with {@link Images#read} and converted to 8-bit RGB like PIL's
 * {@code convert('RGB')} (grayscale replicated, alpha dropped). Per-image PSNR/SSIM are printed as a
 * table, then their arithmetic means over the measured pairs (an identical pair has PSNR +inf, and so
 * then does the mean). A pair whose images differ in size, or that has an unreadable file, is reported
 * on stderr with the file or name and left out of the means.
 *
 * <p>{@code --csv FILE}: columns {@code name,psnr,ssim}, one row per measured pair. {@code --json FILE}:
 * {@code {"pred", "gt", "pairs": [{"name", "psnr", "ssim"}], "errors": [{"name", "error"}],
 * "mean": {"psnr", "ssim"}, "count": n}} with {@code count} the number of measured pairs and
 * {@code mean} null when there are none. Numbers are written in full precision (Java's shortest
 * round-trip form); an infinite PSNR is {@code Infinity} in the CSV and the string {@code "Infinity"} in
 * the JSON. Both files are written atomically (a temporary file beside the target, then a rename), and
 * never over one of the images being measured.
 *
 * <p>Exit codes: 0 every pair measured and every output written; 1 some pair failed (unreadable image,
 * size mismatch) or an output file could not be written; 2 usage error (bad or missing options, a
 * folder that does not exist, no file name common to both folders, an output path that is an input).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure result images against ground truth: per-image PSNR and SSIM and their means, "
                + "computed as the official BlurDM evaluation does (RGB, no border crop, 3-D Gaussian SSIM, "
                + "float64).",
                "Pairs are the file names present in both --pred and --gt (sorted), then names equal without their "
                        + "extension (out/a.png with sharp/a.jpg); two files make one pair."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every pair measured and every output written",
                "1:some pair failed (unreadable image, size mismatch) or an output could not be written",
                "2:usage error (bad options, missing folder, no common file names, output path is an input)"})
final class EvalCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--pred", required = true, paramLabel = "DIR",
            description = "Folder of result (deblurred) images, or one image (then --gt is one image too).")
    private Path pred;

    @Option(names = "--gt", required = true, paramLabel = "DIR",
            description = "Folder of ground-truth (sharp) images, or one image.")
    private Path gt;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write per-image results as CSV (name,psnr,ssim).")
    private Path csv;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write per-image results, errors, the means and the count as JSON.")
    private Path json;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Pairs measured at once (default: up to 4, fewer with a small heap).")
    private Integer jobs;

    /** --pred and --gt are two image files (one pair, named after --pred) rather than two folders. */
    private boolean singlePair;
    /** The ground-truth file name of each prediction file name measured. */
    private Map<String, String> gtOf = Map.of();

    /** One pair's outcome: the metrics, or the error that stopped it. */
    record Result(String name, double psnr, double ssim, String error) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean predIsFile = Files.isRegularFile(pred);
        boolean gtIsFile = Files.isRegularFile(gt);
        singlePair = predIsFile || gtIsFile;
        if (predIsFile != gtIsFile) {
            Path notFile = predIsFile ? gt : pred;
            throw new CommandLine.ParameterException(spec.commandLine(), (predIsFile ? "--gt " : "--pred ") + notFile
                    + ": " + (Files.exists(notFile) ? "not a file" : "no such file")
                    + " (give two images, or two folders)");
        }
        TreeSet<String> predNames = singlePair ? new TreeSet<>(List.of(pred.getFileName().toString()))
                : listImages(pred, "--pred");
        TreeSet<String> gtNames = singlePair ? predNames : listImages(gt, "--gt");
        Map<String, String> pairs = singlePair ? Map.of(pred.getFileName().toString(), pred.getFileName().toString())
                : pair(predNames, gtNames);
        gtOf = pairs;
        List<String> names = new ArrayList<>(pairs.keySet());
        if (jobs != null && jobs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jobs must be at least 1, got " + jobs);
        }
        for (Path target : new Path[] {csv, json}) {
            if (target != null) {
                checkNotAnInput(target, names);
            }
        }
        if (csv != null && json != null && csv.toAbsolutePath().normalize().equals(json.toAbsolutePath().normalize())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--csv and --json name the same file " + csv);
        }
        noteUnmatched(err, predNames, pairs.keySet(), "--pred", "--gt");
        noteUnmatched(err, gtNames, new java.util.HashSet<>(pairs.values()), "--gt", "--pred");
        List<String> byStem = names.stream().filter(k -> !k.equals(pairs.get(k))).toList();
        if (!byStem.isEmpty()) {
            err.printf("blurdm eval: note: %d pair%s matched by name without extension, e.g. %s with %s%n",
                    byStem.size(), byStem.size() == 1 ? "" : "s", byStem.get(0), pairs.get(byStem.get(0)));
        }
        if (names.isEmpty()) {
            err.printf("blurdm eval: no pairs: no file name is present in both --pred %s (%d files) and --gt %s "
                    + "(%d files)%n", pred, predNames.size(), gt, gtNames.size());
            err.flush();
            return 2;
        }

        int width = Math.max(4, Math.min(40, names.stream().mapToInt(String::length).max().orElse(4)));
        String row = "%-" + width + "s  %10s  %9s%n";
        out.printf(row, "name", "PSNR (dB)", "SSIM");
        List<Result> results = new ArrayList<>();
        int n = jobs != null ? jobs : defaultJobs();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, names.size()), r -> {
            Thread t = new Thread(r, "blurdm-eval");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (String name : names) {
                futures.add(pool.submit(() -> measure(name)));
            }
            for (Future<Result> f : futures) {
                Result r;
                try {
                    r = f.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw (Exception) cause;
                }
                results.add(r);
                if (r.error() == null) {
                    out.printf(row, r.name(), format(r.psnr(), 4), format(r.ssim(), 6));
                } else {
                    err.println("blurdm eval: " + r.error());
                    err.flush();
                }
                out.flush();
            }
        } finally {
            pool.shutdownNow();
        }

        List<Result> ok = results.stream().filter(r -> r.error() == null).toList();
        int failed = results.size() - ok.size();
        double meanPsnr = ok.stream().mapToDouble(Result::psnr).average().orElse(Double.NaN);
        double meanSsim = ok.stream().mapToDouble(Result::ssim).average().orElse(Double.NaN);
        if (ok.isEmpty()) {
            out.printf("mean: no pair measured%n");
        } else {
            out.printf(row, "mean", format(meanPsnr, 4), format(meanSsim, 6));
        }
        out.printf("%d pairs measured%s%n", ok.size(), failed == 0 ? "" : ", " + failed + " failed");
        out.flush();

        boolean writeFailed = false;
        if (csv != null) {
            writeFailed |= !write(csv, csvText(ok), err);
        }
        if (json != null) {
            writeFailed |= !write(json, jsonText(results, ok, meanPsnr, meanSsim), err);
        }
        err.flush();
        return failed == 0 && !writeFailed ? 0 : 1;
    }

    private Path predFile(String name) {
        return singlePair ? pred : pred.resolve(name);
    }

    private Path gtFile(String name) {
        return singlePair ? gt : gt.resolve(gtOf.get(name));
    }

    /**
     * Ground-truth file name per prediction file name, sorted by the latter: equal names first; then,
     * among the names left, equal names without their extension when each side has exactly one (deblur
     * writes PNGs, so out/a.png pairs with sharp/a.jpg).
     */
    static Map<String, String> pair(java.util.SortedSet<String> predNames, java.util.SortedSet<String> gtNames) {
        Map<String, String> pairs = new java.util.TreeMap<>();
        for (String p : predNames) {
            if (gtNames.contains(p)) {
                pairs.put(p, p);
            }
        }
        Map<String, List<String>> predByStem = byStem(predNames, pairs.keySet());
        Map<String, List<String>> gtByStem = byStem(gtNames, pairs.keySet());
        for (Map.Entry<String, List<String>> e : predByStem.entrySet()) {
            List<String> g = gtByStem.get(e.getKey());
            if (e.getValue().size() == 1 && g != null && g.size() == 1) {
                pairs.put(e.getValue().get(0), g.get(0));
            }
        }
        return pairs;
    }

    private static Map<String, List<String>> byStem(java.util.SortedSet<String> names, java.util.Set<String> taken) {
        Map<String, List<String>> m = new java.util.HashMap<>();
        for (String n : names) {
            if (!taken.contains(n)) {
                int dot = n.lastIndexOf('.');
                m.computeIfAbsent(dot > 0 ? n.substring(0, dot) : n, k -> new ArrayList<>()).add(n);
            }
        }
        return m;
    }

    private Result measure(String name) {
        Path p = predFile(name);
        Path g = gtFile(name);
        try {
            Tensor predRgb = Images.toRgb(Images.read(p));
            Tensor gtRgb = Images.toRgb(Images.read(g));
            if (!predRgb.sameShape(gtRgb)) {
                return new Result(name, Double.NaN, Double.NaN, name + ": size mismatch: prediction " + predRgb.dim(1)
                        + "x" + predRgb.dim(0) + " (" + p + "), ground truth " + gtRgb.dim(1) + "x" + gtRgb.dim(0)
                        + " (" + g + ")");
            }
            return new Result(name, Psnr.compute(gtRgb, predRgb), Ssim3d.compute(gtRgb, predRgb), null);
        } catch (IOException | RuntimeException e) {
            return new Result(name, Double.NaN, Double.NaN, name + ": " + e.getMessage());
        }
    }

    private static int defaultJobs() {
        long perJob = 512L << 20; // a 1080p pair needs roughly 400 MiB of float64 buffers and images
        long byHeap = Math.max(1, Runtime.getRuntime().maxMemory() / perJob);
        return (int) Math.max(1, Math.min(Math.min(4, Runtime.getRuntime().availableProcessors()), byHeap));
    }

    private TreeSet<String> listImages(Path dir, String option) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " " + dir + ": " + (Files.exists(dir) ? "not a folder" : "no such folder"));
        }
        TreeSet<String> names = new TreeSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(p)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private void checkNotAnInput(Path target, List<String> names) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        for (String name : names) {
            for (Path in : new Path[] {predFile(name), gtFile(name)}) {
                if (Files.isSameFile(target, in)) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            target + " is one of the images being measured; choose another output file");
                }
            }
        }
        if (Files.isDirectory(target)) {
            throw new CommandLine.ParameterException(spec.commandLine(), target + " is a folder, not a file");
        }
    }

    private static void noteUnmatched(PrintWriter err, TreeSet<String> mine, java.util.Set<String> other,
            String option, String otherOption) {
        List<String> alone = mine.stream().filter(s -> !other.contains(s)).toList();
        if (!alone.isEmpty()) {
            err.printf("blurdm eval: note: %d file%s in %s not in %s, not measured: %s%s%n", alone.size(),
                    alone.size() == 1 ? "" : "s", option, otherOption, String.join(", ", alone.subList(0,
                            Math.min(5, alone.size()))), alone.size() > 5 ? ", ..." : "");
        }
    }

    private static String format(double v, int decimals) {
        return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String csvText(List<Result> ok) {
        StringBuilder b = new StringBuilder("name,psnr,ssim\n");
        for (Result r : ok) {
            b.append(csvField(r.name())).append(',').append(r.psnr()).append(',').append(r.ssim()).append('\n');
        }
        return b.toString();
    }

    private static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private String jsonText(List<Result> all, List<Result> ok, double meanPsnr, double meanSsim) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("pred", pred.toString());
        doc.put("gt", gt.toString());
        List<Map<String, Object>> pairs = new ArrayList<>();
        for (Result r : ok) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("psnr", number(r.psnr()));
            m.put("ssim", number(r.ssim()));
            pairs.add(m);
        }
        doc.put("pairs", pairs);
        List<Map<String, Object>> errors = new ArrayList<>();
        for (Result r : all) {
            if (r.error() != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", r.name());
                m.put("error", r.error());
                errors.add(m);
            }
        }
        doc.put("errors", errors);
        if (ok.isEmpty()) {
            doc.put("mean", null);
        } else {
            Map<String, Object> mean = new LinkedHashMap<>();
            mean.put("psnr", number(meanPsnr));
            mean.put("ssim", number(meanSsim));
            doc.put("mean", mean);
        }
        doc.put("count", ok.size());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n";
    }

    /** JSON has no infinity: non-finite values become the strings "Infinity", "-Infinity", "NaN". */
    private static Object number(double v) {
        return Double.isFinite(v) ? (Object) v : Double.toString(v);
    }

    /** Writes atomically (temporary file beside the target, then a rename); false, with a message, on failure. */
    private static boolean write(Path target, String text, PrintWriter err) {
        try {
            Path abs = target.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            AtomicFiles.writeString(abs, text);
            return true;
        } catch (IOException e) {
            err.println("blurdm eval: cannot write " + target + ": " + e);
            return false;
        }
    }
}

package io.github.blurdm.blurdm.cli;

import io.github.blurdm.blurdm.AtomicFiles;
import io.github.blurdm.blurdm.Deblurrer;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.blurdm.pipeline.TileMerge;
import io.github.blurdm.blurdm.pipeline.TileRule;
import io.github.blurdm.runtime.BackendChoice;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.weights.NpyFile;
import io.github.blurdm.weights.WeightsException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code blurdm deblur}: deblurs image files, folders and globs with a BlurDM model through
 * {@link Deblurrer} and writes one PNG per input. Exit codes: 0 every input written; 1 some input
 * failed (each reported with its path; the run goes on); 2 usage error (bad option, duplicate output
 * names, wrong noise shape); 3 nothing could start (weights unreadable or not fitting the model,
 * backend unavailable, output folder not creatable or not writable).
 */
@Command(name = "deblur", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Deblur images with a BlurDM model; writes DIR/<input base name>.png (or .jpg with "
                + "--format jpg) for each input.",
        footer = {
            "",
            "Inputs:",
            "  file    taken whatever its name; the content decides if it is an image",
            "  folder  its *.png *.jpg *.jpeg *.bmp files (any case, not hidden),",
            "          sorted by name; with --recursive also sub-folders, whose",
            "          structure is mirrored under DIR",
            "  glob    * ? [..] {..} expanded here when the shell did not (quote it);",
            "          ** crosses folders; only the image extensions above are taken",
            "  A file reached twice is done once; an argument with no image is reported.",
            "",
            "Formats: PNG, JPEG (also CMYK/YCCK), BMP; 8 or 16 bits per sample.",
            "  16-bit     read at 16 bits, reduced to 8 (round(v*255/65535)) for the",
            "             model, which is 8-bit; the output is 8-bit",
            "  grayscale  replicated to 3 equal channels, deblurred as RGB, written",
            "             as an RGB PNG",
            "  alpha      colour deblurred as stored (alpha ignored); the alpha channel",
            "             is copied unchanged (8-bit) into the output, an RGBA PNG",
            "  EXIF       a JPEG's orientation tag is applied: the output is upright",
            "",
            "Outputs: PNG (lossless), or with --format jpg baseline JPEG (no alpha: an",
            "  input's alpha channel is dropped), written atomically (temporary file,",
            "  then rename). An existing output is replaced; an input of the run never",
            "  is (reported, skipped).",
            "  Two inputs with the same output name (a.jpg and a.png) are refused",
            "  before any work (exit 2).",
            "",
            "Memory: an image whose estimated working memory exceeds the budget (half",
            "  the free heap on the CPU) runs in overlapping, blended tiles; --tile",
            "  forces a size. Images over the decode limit (16384x16384, less on a",
            "  small heap) are refused from their header; BLURDM_JAVA_OPTS=-Xmx16g",
            "  gives the JVM more heap.",
            "",
            "Backbones: MIMO-UNet(+), Stripformer, FFTformer and LoFormer, told apart by",
            "  the weights' names (--architecture overrides).",
            "",
            "Conventions: original releases ({'model': ...} or a bare state dict, no",
            "  prior keys, e.g. MIMO-UNetPlus.pkl, Stripformer_gopro.pth) run as their",
            "  authors' scripts: MIMO-UNet v/255, pad only sides that are not multiples",
            "  of 4, clamp [0,1], +0.5/255, x255 truncated; Stripformer v/255-0.5, reflect",
            "  pad to 8, clamp [-0.5,0.5]+0.5, save_image's rounding. BlurDM checkpoints",
            "  and this engine's files run as BlurDM: v/255-0.5, reflect pad to 8",
            "  (MIMO-UNet) or 32 (Stripformer), clamp [-0.5,0.5]+0.5, save_image's",
            "  rounding. One line on stderr says which and why; --conventions overrides.",
            "  LoFormer files run as the official code: 384x384 tiles overlapping by 32,",
            "  a prior per tile (--noise (tiles,L)), v/255, clamp [0,1]; save_image's",
            "  rounding for BlurDM's files, img_as_ubyte's (half to even) for the original",
            "  release; --tile-merge seamless avoids the official merge's faded borders.",
            "  FFTformer files, the original fftformer_GoPro.pth and BlurDM's alike, run",
            "  as both their scripts: v/255, reflect pad to 32, clamp [0,1], +0.5/255,",
            "  x255 truncated.",
            "",
            "Progress: a bar (count, rate, ETA) when stdout is a terminal, else one",
            "  line per image: [3/10] in.png -> out/in.png (1.2 s). Errors: stderr.",
            "",
            "Exit codes:",
            "  0  every input written",
            "  1  some inputs failed (each reported with its path; the rest written)",
            "  2  usage error (bad option, --conventions or --architecture, duplicate",
            "     output names, bad --noise shape)",
            "  3  nothing done: weights missing, unreadable or not fitting the model, backend",
            "     unavailable, output folder not creatable or not writable"})
final class DeblurCommand implements Callable<Integer> {
    /** Exit code: every input was deblurred and written. */
    static final int OK = 0;
    /** Exit code: at least one input failed; the others were written. */
    static final int SOME_FAILED = 1;
    /** Exit code: usage error. */
    static final int USAGE = 2;
    /** Exit code: nothing was done because the weights, backend or output folder are unusable. */
    static final int CANNOT_START = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Model weights: this project's .safetensors, a checkpoint of the official training code (.pth), "
                    + "an original MIMO-UNet(+), Stripformer, FFTformer or LoFormer release (.pkl, .pth), or a converted state dict. Default: "
                    + "$BLURDM_WEIGHTS, "
                    + "else the shipped model "
                    + DefaultWeights.SHIPPED + " of this installation.")
    private Path weights;

    @Option(names = "--prior", paramLabel = "FILE",
            description = "The prior generator, when --weights holds only the backbone (e.g. a checkpoint with model_dm_state).")
    private Path priorFile;

    @Option(names = "--conventions", paramLabel = "original|blurdm",
            description = "original (as the backbone's authors evaluate their release) or blurdm (as BlurDM's predict "
                    + "scripts). Default: from the weights file's origin.")
    private String conventionsName;

    @Option(names = "--architecture", paramLabel = "NAME", completionCandidates = Architectures.class,
            description = "Read the backbone as this architecture (${COMPLETION-CANDIDATES}) whatever its names say; a "
                    + "file that does not fit fails listing every missing, unexpected and mis-shaped name. Default: "
                    + "the one the file records, else the one its names show.")
    private String architectureName;

    /** The names --architecture takes, one per backbone family. */
    static final class Architectures implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(Backbone.values()).map(Backbone::architecture).iterator();
        }
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing).")
    private Path out;

    @Option(names = {"-r", "--recursive"}, description = "Take images from sub-folders of folder inputs too.")
    private boolean recursive;

    @Option(names = "--noise", paramLabel = "FILE.npy",
            description = "The prior's initial noise as a float32 .npy of shape (L,) or (1,L), or for LoFormer, whose "
                    + "prior is per tile, (tiles,L) with tiles in row-major order; default: drawn from --seed (LoFormer: "
                    + "one vector per tile).")
    private Path noiseFile;

    @Option(names = "--save-prior", paramLabel = "DIR",
            description = "Also write each image's prior as DIR/<name>.prior.npy, float32 of shape (1,L), or (tiles,L) "
                    + "for LoFormer.")
    private Path savePrior;

    @Option(names = "--tile-merge", defaultValue = "official", paramLabel = "official|seamless",
            description = "LoFormer's tile blending: official (default: the official code's ramps, quirks included: "
                    + "along a side of at most 384 pixels the first 32 rows or columns are faded) or seamless "
                    + "(ramps over the overlaps only, summing to 1). Other backbones ignore it.")
    private String tileMergeName;

    @Option(names = "--seed", defaultValue = "2023", description = "Seed of the prior's noise (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--backend", defaultValue = "${sys:blurdm.backend:-${env:BLURDM_BACKEND:-auto}}",
            description = "auto, cpu, cuda or cuda-emulated (default: ${DEFAULT-VALUE}; auto takes CUDA when usable; "
                    + "cuda-emulated runs the CUDA kernels on the CPU's emulated device: for debugging, very slow).")
    private String backendName;

    @Option(names = "--tile", defaultValue = "0", paramLabel = "N",
            description = "Tile side in pixels (a multiple of 8, at least 64); 0 (default) tiles only when the "
                    + "estimated memory exceeds the budget. LoFormer always runs in tiles of 384 (overlap 32) as the "
                    + "official code does; --tile changes that side.")
    private int tile;

    @Option(names = "--overlap", defaultValue = "64", paramLabel = "N",
            description = "Overlap of neighbouring tiles in pixels, a multiple of 8 (default: ${DEFAULT-VALUE}); "
                    + "overlaps are blended with linear ramps.")
    private int overlap;

    @Option(names = "--warm-up", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "On the CPU, before a first image of at least 0.25 MP, deblur a small seeded image "
                    + "so the JIT compiles the kernels first (a fraction of a second; saves more on large "
                    + "images). Results are the same either way. --no-warm-up skips it (default: on).")
    private boolean warmUp;

    /** --format jpg. */
    private boolean jpeg;

    /** JPEG quality without --quality. */
    static final int DEFAULT_QUALITY = 95;

    /** No image has been deblurred yet. */
    private boolean firstImage = true;

    /** Smallest first image worth a warm-up run. */
    static final long WARM_UP_MIN_PIXELS = 512L * 512;

    @Option(names = "--format", defaultValue = "png", paramLabel = "FMT",
            description = "Output format: png (default; lossless, keeps alpha) or jpg (smaller for photos).")
    private String format;

    @Option(names = "--quality", paramLabel = "Q",
            description = "JPEG quality 1-100 with --format jpg (default: 95).")
    private Integer quality;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "MODE",
            description = "auto (a bar when stdout is a terminal, else lines), bar, lines or none (errors only). "
                    + "Default: ${DEFAULT-VALUE}.")
    private String progressMode;

    @Parameters(arity = "1..*", paramLabel = "IN", description = "Image files, folders or globs.")
    private List<String> inputs;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        CommandLine cl = spec.commandLine();
        BackendChoice choice;
        if (weights == null) {
            try {
                weights = DefaultWeights.resolve(System.getProperties(), System.getenv());
            } catch (DefaultWeights.MissingWeights e) {
                err.println("blurdm deblur: " + e.getMessage());
                err.flush();
                return CANNOT_START;
            }
        }
        Deblurrer.Builder builder = Deblurrer.builder().weights(weights).prior(priorFile).seed(seed);
        try {
            choice = BackendChoice.parse(backendName, "--backend");
            builder.backend(choice).tileSize(tile).overlap(overlap)
                    .tileMerge(TileMerge.parse(tileMergeName, "--tile-merge"));
            if (conventionsName != null) {
                builder.conventions(Origin.parse(conventionsName, "--conventions"));
            }
            if (architectureName != null) {
                builder.architecture(Backbone.parse(architectureName, "--architecture"));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        if (tile != 0 && overlap >= tile) {
            throw new CommandLine.ParameterException(cl, "--overlap " + overlap + " must be smaller than --tile " + tile);
        }
        String mode = progressMode.toLowerCase(Locale.ROOT);
        if (!List.of("auto", "bar", "lines", "none").contains(mode)) {
            throw new CommandLine.ParameterException(cl, "--progress must be auto, bar, lines or none, not " + progressMode);
        }
        boolean bar = mode.equals("bar") || (mode.equals("auto") && stdoutIsTerminal());
        String fmt = format.toLowerCase(Locale.ROOT);
        if (fmt.equals("jpeg")) {
            fmt = "jpg";
        }
        if (!fmt.equals("png") && !fmt.equals("jpg")) {
            throw new CommandLine.ParameterException(cl, "--format must be png or jpg, not " + format);
        }
        jpeg = fmt.equals("jpg");
        if (quality != null && !jpeg) {
            throw new CommandLine.ParameterException(cl, "--quality applies to --format jpg only (PNG is lossless)");
        }
        if (quality != null && (quality < 1 || quality > 100)) {
            throw new CommandLine.ParameterException(cl, "--quality must be 1 to 100, got " + quality);
        }

        Inputs resolved = Inputs.resolve(inputs, recursive, jpeg ? ".jpg" : ".png");
        if (!resolved.conflicts.isEmpty()) {
            StringBuilder b = new StringBuilder("several inputs would be written to the same output file:");
            for (Map.Entry<Path, List<Path>> c : resolved.conflicts.entrySet()) {
                b.append(System.lineSeparator()).append("  ").append(out.resolve(c.getKey())).append(" <- ")
                        .append(c.getValue());
            }
            b.append(System.lineSeparator()).append("deblur them into different --out folders");
            throw new CommandLine.ParameterException(cl, b.toString());
        }
        int failed = 0;
        for (Inputs.Problem p : resolved.problems) {
            err.println("blurdm deblur: skipped " + p.argument() + ": " + p.message());
            failed++;
        }
        err.flush();
        if (resolved.items.isEmpty()) {
            err.println("blurdm deblur: no images to deblur");
            return SOME_FAILED;
        }
        String outProblem = prepareOutputFolder(out);
        if (outProblem != null) {
            err.println("blurdm deblur: " + outProblem);
            return CANNOT_START;
        }

        Deblurrer d;
        try {
            d = builder.build();
        } catch (WeightsException | IllegalStateException e) {
            err.println("blurdm deblur: " + e.getMessage());
            return CANNOT_START;
        }
        try (Deblurrer deblurrer = d) {
            Tensor noise = null;
            if (savePrior != null && deblurrer.model().prior() == null) {
                err.println("blurdm deblur: note: the model has no prior; --save-prior writes nothing");
            }
            if (noiseFile != null) {
                if (deblurrer.model().prior() == null) {
                    err.println("blurdm deblur: note: the model has no prior; --noise is ignored");
                } else {
                    try {
                        noise = readNoise(noiseFile, deblurrer.model().prior().config().latent(),
                                deblurrer.model().backbone().backbone().family().tiling()
                                        == TileRule.FIXED_TILES_PRIOR_PER_TILE);
                    } catch (WeightsException e) {
                        throw new CommandLine.ParameterException(cl, "--noise: " + e.getMessage());
                    }
                }
            }
            Set<Path> inputFiles = new HashSet<>();
            for (Inputs.Item it : resolved.items) {
                inputFiles.add(real(it.input()));
            }
            failed += run(deblurrer, resolved.items, inputFiles, noise, bar ? null : mode.equals("none") ? "none" : "lines",
                    outw, err);
        }
        outw.flush();
        err.flush();
        return failed == 0 ? OK : SOME_FAILED;
    }

    /** Deblurs every item; returns how many failed. {@code lines} is null for the bar. */
    private int run(Deblurrer d, List<Inputs.Item> items, Set<Path> inputFiles, Tensor noise, String lines,
                    PrintWriter outw, PrintWriter err) {
        int n = items.size();
        int failed = 0;
        ProgressBar pb = lines != null ? null : new ProgressBarBuilder().setTaskName("deblur").setInitialMax(n)
                .setStyle(ProgressBarStyle.UNICODE_BLOCK).setUnit(" img", 1)
                .showSpeed(new java.text.DecimalFormat("0.00")).setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
                .setConsumer(new ConsoleProgressBarConsumer(progressStream())).setUpdateIntervalMillis(250).build();
        try {
            for (int i = 0; i < n; i++) {
                Inputs.Item it = items.get(i);
                Path target = out.resolve(it.output());
                long t0 = System.nanoTime();
                String name = it.input().getFileName().toString();
                if (pb != null) {
                    pb.setExtraMessage(" " + name);
                }
                try {
                    deblurOne(d, it.input(), target, inputFiles, noise, pb, name);
                    if ("lines".equals(lines)) {
                        outw.printf(Locale.ROOT, "[%d/%d] %s -> %s (%.1f s)%n", i + 1, n, it.input(), target,
                                (System.nanoTime() - t0) / 1e9);
                        outw.flush();
                    }
                } catch (IOException e) {
                    failed++;
                    report(err, pb, i, n, e.getMessage());
                } catch (OutOfMemoryError e) {
                    failed++;
                    report(err, pb, i, n, it.input() + ": out of memory (" + e.getMessage() + "); try --tile 512 or "
                            + "a larger heap, e.g. BLURDM_JAVA_OPTS=-Xmx16g");
                } catch (RuntimeException e) {
                    failed++;
                    report(err, pb, i, n, it.input() + ": " + e.getMessage());
                }
                if (pb != null) {
                    pb.step();
                }
            }
        } finally {
            if (pb != null) {
                pb.setExtraMessage(failed == 0 ? " done" : " " + failed + " failed");
                pb.close();
            }
        }
        return failed;
    }

    private void deblurOne(Deblurrer d, Path in, Path target, Set<Path> inputFiles, Tensor noise, ProgressBar pb,
                           String name) throws IOException {
        if (Files.exists(target) && inputFiles.contains(real(target))) {
            throw new IOException(in + ": the output " + target + " is an input of this run; it is never "
                    + "overwritten: choose another --out");
        }
        BufferedImage img = Images.read(in);
        Tensor rgb;
        byte[] alpha;
        try {
            rgb = Images.toRgb(img);
            alpha = Images.alpha(img);
        } catch (RuntimeException e) {
            throw new IOException(in + ": cannot convert this image to RGB: " + e.getMessage(), e);
        }
        img = null;
        if (firstImage && warmUp && d.device().isCpu() && (long) rgb.dim(0) * rgb.dim(1) >= WARM_UP_MIN_PIXELS) {
            d.warmUp();
        }
        firstImage = false;
        Tensor result;
        Tensor[] prior = new Tensor[1];
        DeblurPipeline.PriorSink sink = savePrior == null ? null : p -> prior[0] = p;
        try {
            result = d.deblur(rgb, noise, sink, (done, total) -> {
                if (pb != null && total > 1) {
                    pb.setExtraMessage(" " + name + " (tile " + done + "/" + total + ")");
                }
                return true;
            });
        } catch (IllegalArgumentException e) {
            throw new IOException(in + ": " + e.getMessage(), e);
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (savePrior != null && prior[0] != null) {
            String base = target.getFileName().toString();
            Path file = savePrior.resolve(base.substring(0, base.lastIndexOf('.')) + ".prior.npy");
            Tensor p = prior[0];
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                AtomicFiles.write(file, tmp -> Files.write(tmp, NpyFile.encode(p.data(), p.dim(0), p.dim(1))));
            } catch (IOException e) {
                throw new IOException(in + ": cannot write the prior to " + file + ": " + e, e);
            }
        }
        try {
            if (jpeg) {
                Images.writeJpeg(Images.fromRgb(result), target, quality == null ? DEFAULT_QUALITY : quality);
            } else {
                Images.writePng(Images.fromRgb(result, alpha), target);
            }
        } catch (IOException e) {
            throw new IOException(in + ": cannot write " + target + ": " + e, e);
        }
    }

    private static void report(PrintWriter err, ProgressBar pb, int i, int n, String message) {
        // With the bar on the same terminal, start on a fresh line so the message is not drawn over.
        err.println((pb != null ? System.lineSeparator() : "") + "blurdm deblur: [" + (i + 1) + "/" + n + "] skipped "
                + message);
        err.flush();
    }

    /** Creates the output folder and checks that a file can be created in it; null when usable. */
    static String prepareOutputFolder(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return "cannot create the output folder " + dir + ": " + e;
        }
        try {
            Path probe = Files.createTempFile(dir, ".blurdm-write-test-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            return "cannot write to the output folder " + dir + ": " + e;
        }
        return null;
    }

    /** (L,) or (1,L); with a prior per tile also (tiles,L), whose row count each image's tiles must match. */
    private Tensor readNoise(Path file, int latent, boolean perTile) throws WeightsException {
        NpyFile npy = NpyFile.read(file);
        long[] s = npy.shape();
        boolean ok = (s.length == 1 && s[0] == latent)
                || (s.length == 2 && s[1] == latent && (s[0] == 1 || (perTile && s[0] >= 1)));
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), file + ": noise must have shape (" + latent
                    + ",) or (1, " + latent + ")" + (perTile ? " or (tiles, " + latent + ")" : "") + ", found "
                    + java.util.Arrays.toString(s));
        }
        return Tensor.of(npy.values(), s.length == 1 ? 1 : (int) s[0], latent);
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Where the bar is drawn: stdout (tests may redirect System.out). */
    private static PrintStream progressStream() {
        return System.out;
    }

    /**
     * Whether stdout is an interactive terminal: {@code System.console() != null}, and on JDK 22+ (where
     * a console exists even when redirected) {@code Console.isTerminal()}.
     */
    static boolean stdoutIsTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}

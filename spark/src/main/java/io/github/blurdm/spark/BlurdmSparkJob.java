package io.github.blurdm.spark;

import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.runtime.BackendChoice;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code blurdm-spark}: deblurs files, folders, globs or a table of paths with Apache Spark, writing each
 * output under the name {@code blurdm deblur} gives it and a results table. The main class of the job jar
 * for {@code spark-submit}, and what {@code bin/blurdm-spark} runs locally ({@code --master local[N]}).
 */
@Command(name = "blurdm-spark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Deblur a collection of images with Apache Spark: one engine per executor JVM (per GPU with "
                + "GPU scheduling), outputs named as 'blurdm deblur' names them and written atomically, a results "
                + "table (Parquet and CSV) with one row per image."},
        footer = {"",
            "Inputs: files, folders and globs as for 'blurdm deblur', on any Hadoop file system (local paths,",
            "  hdfs://, s3a:// with its connector); or --table FILE, a CSV (with a header) or Parquet table whose",
            "  --path-column lists image files (relative paths: relative to the table's folder).",
            "Results: OUT/_results/results.parquet and results.csv (or --results DIR): path, output, status",
            "  (ok | failed | skipped), error, width, height, seconds, backend; with --gt also psnr, ssim as",
            "  'blurdm eval' computes them. A bad image is a failed row, never a failed job.",
            "",
            "Exit codes:",
            "  0  every image written (or skipped)",
            "  1  some images or arguments failed (each a row naming the file and the reason)",
            "  2  usage error (bad option, duplicate output names, bad table or --gt)",
            "  3  nothing done: output folder not writable, weights not found, no engine could start"})
public final class BlurdmSparkJob implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: as spark-submit set it, else local[N] with N this machine's processors).")
    private String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable).")
    private List<String> confs = new ArrayList<>();

    @Option(names = "--weights", required = true, paramLabel = "FILE",
            description = "Model weights, on a path every executor sees (shared folder, hdfs://, s3a://) or "
                    + "shipped with spark-submit --files (then its file name is enough).")
    private String weights;

    @Option(names = "--prior", paramLabel = "FILE", description = "The prior generator, when --weights holds only the backbone.")
    private String prior;

    @Option(names = "--conventions", paramLabel = "original|blurdm", description = "Override the weights file's conventions.")
    private String conventions;

    @Option(names = "--architecture", paramLabel = "NAME",
            description = "Read the backbone as this architecture whatever its names say (as blurdm deblur).")
    private String architecture;

    @Option(names = "--seed", defaultValue = "2023", description = "Seed of the prior's noise (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--backend", defaultValue = "auto",
            description = "auto (CUDA when usable, else the CPU), cpu, cuda or cuda-emulated (default: ${DEFAULT-VALUE}).")
    private String backend;

    @Option(names = "--tile", defaultValue = "0", paramLabel = "N", description = "Tile side (multiple of 8, >= 64); 0: only when needed.")
    private int tile;

    @Option(names = "--overlap", defaultValue = "64", paramLabel = "N", description = "Tile overlap (default: ${DEFAULT-VALUE}).")
    private int overlap;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "CPU threads of each executor's engine (default: the executor's cores).")
    private int threads;

    @Option(names = "--format", defaultValue = "png", paramLabel = "FMT", description = "png (default) or jpg.")
    private String format;

    @Option(names = "--quality", paramLabel = "Q", description = "JPEG quality 1-100 with --format jpg (default: 95).")
    private Integer quality;

    @Option(names = {"-r", "--recursive"}, description = "Take images from sub-folders of folder inputs too.")
    private boolean recursive;

    @Option(names = "--table", paramLabel = "FILE", description = "A CSV or Parquet table listing the images (instead of IN...).")
    private String table;

    @Option(names = "--table-format", paramLabel = "csv|parquet", description = "The table's format (default: from its name).")
    private String tableFormat;

    @Option(names = "--path-column", defaultValue = "path", paramLabel = "NAME",
            description = "The table's column of image paths (default: ${DEFAULT-VALUE}).")
    private String pathColumn;

    @Option(names = "--gt", paramLabel = "DIR", description = "Ground truth: measure PSNR and SSIM of each output as 'blurdm eval' does.")
    private String gt;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing).")
    private String out;

    @Option(names = "--results", paramLabel = "DIR", description = "Where the results table goes (default: OUT/_results).")
    private String results;

    @Option(names = "--skip-existing", description = "Leave images whose output exists alone (resume a stopped run).")
    private boolean skipExisting;

    @Option(names = "--images-per-task", defaultValue = "8", paramLabel = "N",
            description = "Images per Spark task (default: ${DEFAULT-VALUE}; at least one task per core).")
    private int imagesPerTask;

    @Parameters(arity = "0..*", paramLabel = "IN", description = "Image files, folders or globs.")
    private List<String> inputs = new ArrayList<>();

    /** A session given by the caller (tests), used instead of building one and not stopped. */
    private SparkSession given;

    public static void main(String[] args) {
        System.exit(execute(null, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line on {@code session} (null: build one from --master and --conf). */
    static int execute(SparkSession session, PrintWriter stdout, PrintWriter stderr, String... args) {
        BlurdmSparkJob job = new BlurdmSparkJob();
        job.given = session;
        CommandLine cl = new CommandLine(job);
        cl.setOut(stdout);
        cl.setErr(stderr);
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        JobSettings settings = settings();
        SparkSession session = given != null ? given : session();
        try {
            DeblurJob.Source source = new DeblurJob.Source(inputs, recursive, table,
                    tableFormat == null ? null : tableFormat.toLowerCase(Locale.ROOT), pathColumn);
            return new DeblurJob(session, settings, spec.commandLine().getOut(), spec.commandLine().getErr())
                    .run(source, out, gt, results, imagesPerTask);
        } finally {
            if (given == null) {
                session.stop();
            }
        }
    }

    /** Checks the options as {@code blurdm deblur} does its own; usage errors name the option. */
    private JobSettings settings() {
        CommandLine cl = spec.commandLine();
        try {
            BackendChoice.parse(backend, "--backend");
            if (conventions != null) {
                Origin.parse(conventions, "--conventions");
            }
            if (architecture != null) {
                Backbone.parse(architecture, "--architecture");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        if (tile != 0 && (tile < 64 || tile % 8 != 0)) {
            throw new CommandLine.ParameterException(cl, "--tile must be 0 or a multiple of 8 >= 64, got " + tile);
        }
        if (overlap < 0 || overlap % 8 != 0) {
            throw new CommandLine.ParameterException(cl, "--overlap must be a multiple of 8 >= 0, got " + overlap);
        }
        if (tile != 0 && overlap >= tile) {
            throw new CommandLine.ParameterException(cl, "--overlap " + overlap + " must be smaller than --tile " + tile);
        }
        String fmt = format.toLowerCase(Locale.ROOT).equals("jpeg") ? "jpg" : format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("png") && !fmt.equals("jpg")) {
            throw new CommandLine.ParameterException(cl, "--format must be png or jpg, not " + format);
        }
        if (quality != null && !fmt.equals("jpg")) {
            throw new CommandLine.ParameterException(cl, "--quality applies to --format jpg only (PNG is lossless)");
        }
        if (quality != null && (quality < 1 || quality > 100)) {
            throw new CommandLine.ParameterException(cl, "--quality must be 1 to 100, got " + quality);
        }
        if (threads < 0) {
            throw new CommandLine.ParameterException(cl, "--threads must be at least 1, got " + threads);
        }
        if (imagesPerTask < 1) {
            throw new CommandLine.ParameterException(cl, "--images-per-task must be at least 1, got " + imagesPerTask);
        }
        if (table == null && inputs.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "give images (IN...) or --table FILE");
        }
        if (table != null && !inputs.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "give either images (IN...) or --table, not both");
        }
        if (table == null && tableFormat != null) {
            throw new CommandLine.ParameterException(cl, "--table-format applies to --table only");
        }
        if (tableFormat != null && !List.of("csv", "parquet").contains(tableFormat.toLowerCase(Locale.ROOT))) {
            throw new CommandLine.ParameterException(cl, "--table-format must be csv or parquet, not " + tableFormat);
        }
        return new JobSettings(weights, prior, conventions, architecture, seed, backend, tile, overlap, threads, fmt,
                quality == null ? JobSettings.DEFAULT_QUALITY : quality, skipExisting);
    }

    private SparkSession session() {
        SparkSession.Builder b = SparkSession.builder().appName("blurdm-spark");
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[" + Runtime.getRuntime().availableProcessors() + "]");
        }
        for (String kv : confs) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--conf takes KEY=VALUE, got " + kv);
            }
            b.config(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return b.getOrCreate();
    }
}

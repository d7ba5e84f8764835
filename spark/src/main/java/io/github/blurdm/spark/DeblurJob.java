package io.github.blurdm.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The driver's side of a run, once the options are checked: prepares the output folder, lists the images,
 * pairs them with ground truth, runs the tasks, writes the results table and reports. Exit codes as
 * {@code blurdm deblur}'s: {@value #OK}, {@value #SOME_FAILED}, {@value #USAGE}, {@value #CANNOT_START}.
 */
final class DeblurJob {
    /** Every image written (or skipped). */
    static final int OK = 0;
    /** Some image or argument failed; the others were written. */
    static final int SOME_FAILED = 1;
    /** Bad options or inputs refused before any work (duplicate output names, a bad table). */
    static final int USAGE = 2;
    /** Nothing done: output folder or weights unusable, or no engine could start. */
    static final int CANNOT_START = 3;

    /** Where the inputs come from: {@code IN...} arguments or a table. */
    record Source(List<String> arguments, boolean recursive, String table, String tableFormat, String pathColumn) {
    }

    private final SparkSession spark;
    private final JobSettings settings;
    private final PrintWriter out;
    private final PrintWriter err;

    DeblurJob(SparkSession spark, JobSettings settings, PrintWriter out, PrintWriter err) {
        this.spark = spark;
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    /**
     * @param outDir       {@code --out}
     * @param gtDir        {@code --gt}, or null
     * @param resultsDir   {@code --results}, or null for {@code OUT/_results}
     * @param imagesPerTask images in one task (the last may have fewer)
     */
    int run(Source source, String outDir, String gtDir, String resultsDir, int imagesPerTask) throws Exception {
        long t0 = System.nanoTime();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path outPath = qualified(new Path(outDir), conf);
        String problem = prepareFolder(outPath, conf);
        if (problem == null) {
            problem = weightsProblem(settings.weights(), "--weights", conf);
        }
        if (problem == null && settings.prior() != null) {
            problem = weightsProblem(settings.prior(), "--prior", conf);
        }
        if (problem != null) {
            err.println("blurdm-spark: " + problem);
            return CANNOT_START;
        }
        Path gtPath = null;
        if (gtDir != null) {
            gtPath = qualified(new Path(gtDir), conf);
            FileSystem gtFs = gtPath.getFileSystem(conf);
            if (!gtFs.exists(gtPath) || !gtFs.getFileStatus(gtPath).isDirectory()) {
                err.println("blurdm-spark: --gt " + gtDir + ": " + (gtFs.exists(gtPath) ? "not a folder" : "no such folder"));
                return USAGE;
            }
        }

        InputExpansion inputs = new InputExpansion(outPath, conf);
        if (source.table() != null) {
            String bad = addTable(inputs, source, conf);
            if (bad != null) {
                err.println("blurdm-spark: " + bad);
                return USAGE;
            }
        } else {
            inputs.addArguments(source.arguments(), source.recursive(), settings.format());
        }
        inputs.finish();
        if (!inputs.conflicts.isEmpty()) {
            err.println("blurdm-spark: several inputs would be written to the same output file:");
            for (Map.Entry<String, List<String>> c : inputs.conflicts.entrySet()) {
                err.println("  " + HadoopFiles.display(c.getKey()) + " <- " + c.getValue());
            }
            err.println("deblur them into different --out folders");
            return USAGE;
        }
        if (inputs.images() == 0) {
            inputs.items.forEach(i -> err.println("blurdm-spark: skipped " + i.failure()));
            err.println("blurdm-spark: no images to deblur");
            return SOME_FAILED;
        }
        List<ImageItem> items = gtPath == null ? inputs.items
                : GroundTruthPairing.pair(inputs.items, outPath, gtPath, conf);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int n = items.size();
        int tasks = Math.max(Math.min(n, jsc.defaultParallelism()), (n + imagesPerTask - 1) / imagesPerTask);
        out.printf(Locale.ROOT, "blurdm-spark: %d images in %d tasks on %s (Spark %s) -> %s%n", inputs.images(), tasks,
                spark.sparkContext().master(), spark.version(), HadoopFiles.display(HadoopFiles.uri(outPath)));
        out.flush();

        boolean metrics = gtPath != null;
        Path results = resultsDir != null ? qualified(new Path(resultsDir), conf) : new Path(outPath, "_results");
        Path parquet = new Path(results, "results.parquet");
        JavaRDD<Row> rows = jsc.parallelize(items, tasks)
                .mapPartitions(new DeblurPartition(settings, new HadoopConf(conf), metrics));
        ProgressLines progress = new ProgressLines(out, tasks, n);
        spark.sparkContext().addSparkListener(progress);
        try {
            spark.createDataFrame(rows, ResultTable.schema(metrics)).write().mode(SaveMode.Overwrite)
                    .parquet(parquet.toString());
        } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
            String engine = engineFailure(e);
            if (engine == null) {
                throw e;
            }
            err.println("blurdm-spark: " + engine);
            return CANNOT_START;
        } finally {
            spark.sparkContext().removeSparkListener(progress);
        }

        // with the schema given, reading back plans no job to infer it from the files' footers
        ResultsReport report = ResultsReport.read(spark.read().schema(ResultTable.schema(metrics))
                .parquet(parquet.toString()), metrics);
        java.nio.file.Path work = Files.createTempDirectory("blurdm-driver-");
        Path csv = new Path(results, "results.csv");
        report.writeCsv(csv, conf, work);
        int swept = TemporaryFiles.sweep(items, conf);
        summary(report, (System.nanoTime() - t0) / 1e9, parquet, csv, swept);
        return report.count(ResultTable.FAILED) == 0 ? OK : SOME_FAILED;
    }

    private void summary(ResultsReport report, double seconds, Path parquet, Path csv, int swept) {
        report.printErrors(err, 20);
        err.flush();
        long ok = report.count(ResultTable.OK);
        long failed = report.count(ResultTable.FAILED);
        long skipped = report.count(ResultTable.SKIPPED);
        out.printf(Locale.ROOT, "blurdm-spark: %d images in %.1f s (%.2f written per second): %d written, %d failed, %d skipped%n",
                report.rows.size(), seconds, ok / seconds, ok, failed, skipped);
        if (report.metrics) {
            List<Row> m = report.measured();
            long unpaired = report.rows.stream().filter(r -> !ResultTable.FAILED.equals(r.getString(2))
                    && r.isNullAt(8) && r.isNullAt(3)).count();
            if (m.isEmpty()) {
                out.println("blurdm-spark: mean: no image measured");
            } else {
                out.printf(Locale.ROOT, "blurdm-spark: mean PSNR %s dB, SSIM %s over %d images%s%n",
                        ResultsReport.format(report.meanPsnr(), 4), ResultsReport.format(report.meanSsim(), 6), m.size(),
                        unpaired == 0 ? "" : " (" + unpaired + " without a ground truth in --gt)");
            }
        }
        if (swept > 0) {
            out.println("blurdm-spark: removed " + swept + " temporary files left by killed task attempts");
        }
        out.println("blurdm-spark: results: " + HadoopFiles.display(HadoopFiles.uri(parquet)) + ", "
                + HadoopFiles.display(HadoopFiles.uri(csv)));
        out.flush();
    }

    /** Reads the table's path column into {@code inputs}; a message when the table is unusable. */
    private String addTable(InputExpansion inputs, Source source, Configuration conf) throws IOException {
        Path table = qualified(new Path(source.table()), conf);
        String format = source.tableFormat();
        if (format == null) {
            String name = table.getName().toLowerCase(Locale.ROOT);
            boolean folder = table.getFileSystem(conf).getFileStatus(table).isDirectory();
            format = name.endsWith(".csv") ? "csv" : name.endsWith(".parquet") || folder ? "parquet" : null;
            if (format == null) {
                return "--table " + source.table() + ": neither .csv nor .parquet; say --table-format csv|parquet";
            }
        }
        Dataset<Row> df = format.equals("csv") ? spark.read().option("header", "true").csv(table.toString())
                : spark.read().parquet(table.toString());
        String column = source.pathColumn();
        if (!Arrays.asList(df.columns()).contains(column)) {
            return "--table " + source.table() + ": no column '" + column + "' (columns: "
                    + String.join(", ", df.columns()) + "); name the path column with --path-column";
        }
        if (!df.schema().apply(column).dataType().equals(DataTypes.StringType)) {
            return "--table " + source.table() + ": column '" + column + "' holds "
                    + df.schema().apply(column).dataType().simpleString() + ", not file paths (strings)";
        }
        List<Row> paths = df.select(column).collectAsList();
        for (int i = 0; i < paths.size(); i++) {
            inputs.addTablePath(paths.get(i).getString(0), table.getParent(), settings.format(), i + 1, column);
        }
        return null;
    }

    /** Creates the output folder and checks that a file can be created in it; null when usable. */
    private static String prepareFolder(Path dir, Configuration conf) {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            fs.mkdirs(dir);
            Path probe = new Path(dir, HadoopFiles.temporaryName("blurdm-write-test"));
            fs.create(probe, false).close();
            fs.delete(probe, false);
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot write to the output folder " + dir + ": " + e;
        }
    }

    /**
     * Null when the executors can find the file: it exists where the driver looks, or a file of that name
     * is shipped with {@code --files}. On a cluster, a local path must exist on every executor too; that
     * is checked there, and a missing one stops the job with the reason.
     */
    private String weightsProblem(String given, String option, Configuration conf) throws IOException {
        Path p = new Path(given);
        if (p.getFileSystem(conf).isFile(p)) {
            return null;
        }
        SparkConf sc = spark.sparkContext().getConf();
        for (String key : new String[] {"spark.files", "spark.yarn.dist.files"}) {
            for (String f : sc.get(key, "").split(",")) {
                if (!f.isBlank() && new Path(f.trim()).getName().equals(p.getName())) {
                    return null;
                }
            }
        }
        return option + " " + given + ": no such file (the executors read it from a path they all see: a shared "
                + "folder, hdfs://, s3a://; or ship it with spark-submit --files)";
    }

    /** The engine's failure message when that is what stopped the job, else null. */
    static String engineFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EngineUnavailableException) {
                return t.getMessage();
            }
            String m = t.getMessage();
            String marker = EngineUnavailableException.class.getName() + ": ";
            if (m != null && m.contains(marker)) {
                String rest = m.substring(m.indexOf(marker) + marker.length());
                int nl = rest.indexOf('\n');
                return nl < 0 ? rest : rest.substring(0, nl);
            }
        }
        return null;
    }

    private static Path qualified(Path p, Configuration conf) throws IOException {
        return p.getFileSystem(conf).makeQualified(p);
    }
}

package io.github.blurdm.spark;

import io.github.blurdm.blurdm.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the driver makes of the written results table: the CSV copy (one row per image, sorted by output,
 * the same columns as the Parquet table, numbers in full precision as {@code blurdm eval}'s CSV writes
 * them), the counts per status, and the PSNR/SSIM means over the measured images, averaged in output-name
 * order as eval averages its pairs, so the means are eval's to the last digit.
 */
final class ResultsReport {
    final List<Row> rows;
    final boolean metrics;

    private ResultsReport(List<Row> rows, boolean metrics) {
        this.rows = rows;
        this.metrics = metrics;
    }

    /** Reads the table back (the job's output, not its computation, which must not run twice). */
    static ResultsReport read(Dataset<Row> written, boolean metrics) {
        List<Row> rows = new ArrayList<>(written.collectAsList());
        rows.sort(Comparator.comparing((Row r) -> r.getString(1), Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(r -> r.getString(0)));
        return new ResultsReport(rows, metrics);
    }

    long count(String status) {
        return rows.stream().filter(r -> status.equals(r.getString(2))).count();
    }

    /** Rows with a PSNR, in output order. */
    List<Row> measured() {
        return rows.stream().filter(r -> metrics && !r.isNullAt(8)).toList();
    }

    double meanPsnr() {
        return measured().stream().mapToDouble(r -> r.getDouble(8)).average().orElse(Double.NaN);
    }

    double meanSsim() {
        return measured().stream().mapToDouble(r -> r.getDouble(9)).average().orElse(Double.NaN);
    }

    /** Writes the CSV copy atomically, on any file system. */
    void writeCsv(Path target, Configuration conf, java.nio.file.Path workDir) throws IOException {
        String text = csv();
        HadoopFiles.writeAtomically(target, conf, workDir, t -> AtomicFiles.write(t,
                tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8)));
    }

    String csv() {
        StringBuilder b = new StringBuilder("path,output,status,error,width,height,seconds,backend");
        b.append(metrics ? ",psnr,ssim\n" : "\n");
        for (Row r : rows) {
            for (int c = 0; c < r.length(); c++) {
                if (c > 0) {
                    b.append(',');
                }
                if (!r.isNullAt(c)) {
                    b.append(field(String.valueOf(r.get(c))));
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The errors, one line each, for stderr: at most {@code max}, then how many more. */
    void printErrors(PrintWriter err, int max) {
        int n = 0;
        int total = 0;
        for (Row r : rows) {
            if (!r.isNullAt(3)) {
                total++;
                if (n < max) {
                    err.println("blurdm-spark: " + (ResultTable.FAILED.equals(r.getString(2)) ? "failed " : "note: ")
                            + r.getString(3));
                    n++;
                }
            }
        }
        if (total > n) {
            err.println("blurdm-spark: ... and " + (total - n) + " more in the results table");
        }
    }

    static String format(double v, int decimals) {
        return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}

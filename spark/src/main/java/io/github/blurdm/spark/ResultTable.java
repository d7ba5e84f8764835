package io.github.blurdm.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The results table: one row per image. Columns: {@code path} (the input: a local path, or a URI on other
 * file systems; for an argument that gave no image, the argument), {@code output} (the file written or
 * found), {@code status} ({@value #OK}, {@value #FAILED} or {@value #SKIPPED}), {@code error} (what went
 * wrong, naming the file; null when nothing did), {@code width} and {@code height} (of the output, null
 * when there is none), {@code seconds} (reading, deblurring and writing this image; 0 when skipped),
 * {@code backend} ("cpu", "cuda:1"; null when no engine ran) and, with {@code --gt}, {@code psnr} and
 * {@code ssim} as {@code blurdm eval} computes them (null when not measured; a problem measuring is
 * in {@code error} while {@code status} stays {@value #OK}).
 */
final class ResultTable {
    /** Deblurred and written. */
    static final String OK = "ok";
    /** Not written; {@code error} says why. */
    static final String FAILED = "failed";
    /** The output existed and {@code --skip-existing} left it alone. */
    static final String SKIPPED = "skipped";

    private ResultTable() {
    }

    static StructType schema(boolean metrics) {
        List<StructField> f = new ArrayList<>(List.of(
                DataTypes.createStructField("path", DataTypes.StringType, false),
                DataTypes.createStructField("output", DataTypes.StringType, true),
                DataTypes.createStructField("status", DataTypes.StringType, false),
                DataTypes.createStructField("error", DataTypes.StringType, true),
                DataTypes.createStructField("width", DataTypes.IntegerType, true),
                DataTypes.createStructField("height", DataTypes.IntegerType, true),
                DataTypes.createStructField("seconds", DataTypes.DoubleType, false),
                DataTypes.createStructField("backend", DataTypes.StringType, true)));
        if (metrics) {
            f.add(DataTypes.createStructField("psnr", DataTypes.DoubleType, true));
            f.add(DataTypes.createStructField("ssim", DataTypes.DoubleType, true));
        }
        return DataTypes.createStructType(f);
    }

    /** One image's outcome, built up as it goes. */
    static final class Result {
        final String path;
        final String output;
        String status = FAILED;
        String error;
        Integer width;
        Integer height;
        double seconds;
        String backend;
        Double psnr;
        Double ssim;

        Result(String path, String output) {
            this.path = path;
            this.output = output;
        }

        Result fail(String message) {
            status = FAILED;
            error = message;
            return this;
        }

        Row toRow(boolean metrics) {
            return metrics
                    ? RowFactory.create(path, output, status, error, width, height, seconds, backend, psnr, ssim)
                    : RowFactory.create(path, output, status, error, width, height, seconds, backend);
        }
    }
}

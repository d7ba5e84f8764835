package io.github.blurdm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on master local[2] against {@code blurdm deblur} and {@code blurdm eval} run in-process on the same
 * eight inputs (five images of different kinds, three broken files): the same output files, byte for byte;
 * a results table whose every row is known (statuses, sizes, backends, each error naming its file and the
 * command's reason); PSNR/SSIM and their means equal to eval's; a rerun with --skip-existing that touches no
 * output and loads no model; tables of paths; refusals before any work. One session for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkJobTest {
    @TempDir
    static Path dir;

    private SparkSession spark;
    private Path in;
    private Path gt;
    private Path cliOut;
    private Path sparkOut;
    private SparkTests.Run cliRun;
    private SparkTests.Run jobRun;

    private static final List<String> WRITTEN = List.of("a.png", "b.png", "c_gray.png", "d_alpha.png", "e.png");

    @BeforeAll
    void runBoth() throws Exception {
        spark = SparkTests.session("local[2]");
        in = dir.resolve("in");
        SparkTests.fixtureImages(in);
        gt = dir.resolve("gt");
        // ground truth for four of the five: b as a JPEG (paired by name without extension, as eval does),
        // none for c_gray
        SparkTests.write(gt, "a.png", SparkTests.picture(40, 32, BufferedImage.TYPE_INT_RGB, 11), "png");
        SparkTests.write(gt, "b.jpg", SparkTests.picture(36, 28, BufferedImage.TYPE_INT_RGB, 12), "jpg");
        SparkTests.write(gt, "d_alpha.png", SparkTests.picture(32, 24, BufferedImage.TYPE_INT_RGB, 14), "png");
        SparkTests.write(gt, "e.png", SparkTests.picture(24, 40, BufferedImage.TYPE_INT_RGB, 15), "png");
        cliOut = dir.resolve("cli");
        sparkOut = dir.resolve("spark");
        cliRun = SparkTests.cli("deblur", "--weights", SparkTests.model(), "--backend", "cpu", "--progress", "none",
                in, "--out", cliOut);
        jobRun = SparkTests.job(spark, "--weights", SparkTests.model(), "--backend", "cpu", "--gt", gt, in,
                "--out", sparkOut);
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    private Map<String, Row> table(Path results) {
        List<Row> rows = spark.read().parquet(results.resolve("results.parquet").toString()).collectAsList();
        Map<String, Row> byName = new HashMap<>();
        for (Row r : rows) {
            assertNull(byName.put(Path.of(r.getString(0)).getFileName().toString(), r), "one row per input: " + rows);
        }
        return byName;
    }

    @Test
    void writesWhatTheCommandWritesByteForByte() throws Exception {
        assertEquals(1, cliRun.code(), cliRun.err());
        assertEquals(1, jobRun.code(), jobRun.out() + jobRun.err());
        assertEquals(WRITTEN, SparkTests.names(cliOut));
        assertEquals(WRITTEN, SparkTests.names(sparkOut));
        for (String n : WRITTEN) {
            assertArrayEquals(SparkTests.pixels(cliOut.resolve(n)), SparkTests.pixels(sparkOut.resolve(n)), n);
            assertArrayEquals(Files.readAllBytes(cliOut.resolve(n)), Files.readAllBytes(sparkOut.resolve(n)), n);
        }
        try (var s = Files.list(sparkOut)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void resultsTableHasOneExactRowPerInput() throws Exception {
        Map<String, Row> t = table(sparkOut.resolve("_results"));
        assertEquals(8, t.size());
        Map<String, int[]> sizes = Map.of("a.png", new int[] {40, 32}, "b.jpg", new int[] {36, 28},
                "c_gray.png", new int[] {33, 25}, "d_alpha.png", new int[] {32, 24}, "e.bmp", new int[] {24, 40});
        for (Map.Entry<String, int[]> e : sizes.entrySet()) {
            Row r = t.get(e.getKey());
            assertEquals(in.resolve(e.getKey()).toString(), r.getString(0));
            assertEquals("ok", r.getString(2), e.getKey());
            assertNull(r.get(3), e.getKey());
            assertEquals(e.getValue()[0], r.getInt(4));
            assertEquals(e.getValue()[1], r.getInt(5));
            assertTrue(r.getDouble(6) > 0, "seconds");
            assertEquals("cpu", r.getString(7));
            assertEquals(!e.getKey().equals("c_gray.png"), !r.isNullAt(8), "psnr of " + e.getKey());
        }
        assertEquals(sparkOut.resolve("b.png").toString(), t.get("b.jpg").getString(1));
        // each broken file: failed, with the very message blurdm deblur printed for it
        Map<String, String> cliErrors = cliRun.err().lines().filter(l -> l.contains("] skipped "))
                .collect(Collectors.toMap(l -> Path.of(l.substring(l.indexOf("skipped ") + 8, l.indexOf(": ",
                        l.indexOf("skipped ")))).getFileName().toString(), l -> l.substring(l.indexOf("skipped ") + 8)));
        assertEquals(Map.of("truncated.png", "corrupt or truncated image", "not_an_image.png",
                "not an image in a format Java can read", "tiny.png", "needs at least 8x8").keySet(), cliErrors.keySet());
        for (String bad : List.of("truncated.png", "not_an_image.png", "tiny.png")) {
            Row r = t.get(bad);
            assertEquals("failed", r.getString(2), bad);
            assertEquals(cliErrors.get(bad), r.getString(3), bad);
            assertTrue(r.getString(3).startsWith(in.resolve(bad) + ": "), r.getString(3));
            assertTrue(r.isNullAt(4) && r.isNullAt(5) && r.isNullAt(7) && r.isNullAt(8), bad);
            assertTrue(jobRun.err().contains(r.getString(3)), "reported on stderr: " + bad);
        }
        assertTrue(t.get("tiny.png").getString(3).endsWith("image is 6x6 pixels; MIMO-UNet needs at least 8x8"));

        List<String> csv = Files.readAllLines(sparkOut.resolve("_results/results.csv"));
        assertEquals("path,output,status,error,width,height,seconds,backend,psnr,ssim", csv.get(0));
        assertEquals(9, csv.size());
        Row a = t.get("a.png");
        assertEquals(String.join(",", a.getString(0), a.getString(1), "ok", "", "40", "32",
                String.valueOf(a.getDouble(6)), "cpu", String.valueOf(a.getDouble(8)), String.valueOf(a.getDouble(9))),
                csv.get(1), "the CSV's first row (sorted by output) is a.png's");
        assertTrue(jobRun.out().contains("8 images in "), jobRun.out());
        assertTrue(jobRun.out().contains("5 written, 3 failed, 0 skipped"), jobRun.out());
    }

    @Test
    void psnrAndSsimAreEvalsToTheLastDigit() throws Exception {
        Path evalCsv = dir.resolve("eval.csv");
        SparkTests.Run eval = SparkTests.cli("eval", "--pred", sparkOut, "--gt", gt, "--csv", evalCsv);
        assertEquals(0, eval.code(), eval.err());
        Map<String, Row> t = table(sparkOut.resolve("_results"));
        Map<String, String> inputOf = Map.of("a.png", "a.png", "b.png", "b.jpg", "d_alpha.png", "d_alpha.png",
                "e.png", "e.bmp");
        List<String> lines = Files.readAllLines(evalCsv);
        assertEquals(5, lines.size(), lines.toString());
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            Row r = t.get(inputOf.get(f[0]));
            assertEquals(Double.parseDouble(f[1]), r.getDouble(8), f[0] + " PSNR");
            assertEquals(Double.parseDouble(f[2]), r.getDouble(9), f[0] + " SSIM");
        }
        String evalMean = eval.out().lines().filter(l -> l.startsWith("mean")).findFirst().orElseThrow();
        String[] m = evalMean.trim().split("\\s+");
        assertTrue(jobRun.out().contains("mean PSNR " + m[1] + " dB, SSIM " + m[2] + " over 4 images "
                + "(1 without a ground truth in --gt)"), jobRun.out() + " vs " + evalMean);
    }

    @Test
    void rerunWithSkipExistingTouchesNothing() throws Exception {
        Map<String, FileTime> times = new HashMap<>();
        Map<String, byte[]> bytes = new HashMap<>();
        for (String n : WRITTEN) {
            times.put(n, Files.getLastModifiedTime(sparkOut.resolve(n)));
            bytes.put(n, Files.readAllBytes(sparkOut.resolve(n)));
        }
        int built = ExecutorEngines.built();
        Path results = dir.resolve("rerun-results");
        SparkTests.Run r = SparkTests.job(spark, "--weights", SparkTests.model(), "--backend", "cpu", "--gt", gt,
                "--skip-existing", "--results", results, in, "--out", sparkOut);
        assertEquals(1, r.code(), r.err());
        assertEquals(built, ExecutorEngines.built(), "no model loaded");
        for (String n : WRITTEN) {
            assertEquals(times.get(n), Files.getLastModifiedTime(sparkOut.resolve(n)), n);
            assertArrayEquals(bytes.get(n), Files.readAllBytes(sparkOut.resolve(n)), n);
        }
        Map<String, Row> first = table(sparkOut.resolve("_results"));
        Map<String, Row> again = table(results);
        for (Map.Entry<String, Row> e : again.entrySet()) {
            Row was = first.get(e.getKey());
            Row now = e.getValue();
            if ("ok".equals(was.getString(2))) {
                assertEquals("skipped", now.getString(2), e.getKey());
                assertEquals(was.get(4), now.get(4));
                assertEquals(was.get(5), now.get(5));
                assertEquals(0.0, now.getDouble(6));
                assertNull(now.get(7), "no backend ran");
                assertEquals(was.get(8), now.get(8), "PSNR measured on the existing output");
                assertEquals(was.get(9), now.get(9));
            } else {
                assertEquals(was.getString(3), now.getString(3), "broken inputs are tried again and fail again");
            }
        }
        assertTrue(r.out().contains("0 written, 3 failed, 5 skipped"), r.out());
    }

    @Test
    void tablesOfPathsCsvAndParquet() throws Exception {
        Path tables = dir.resolve("tables");
        Files.createDirectories(tables);
        Files.writeString(tables.resolve("list.csv"), "id,path\n1,../in/a.png\n2,\n3," + in.resolve("e.bmp")
                + "\n4,../in/missing.png\n");
        Path out = dir.resolve("from-csv");
        SparkTests.Run r = SparkTests.job(spark, "--weights", SparkTests.model(), "--backend", "cpu",
                "--table", tables.resolve("list.csv"), "--out", out);
        assertEquals(1, r.code(), r.err());
        assertEquals(List.of("a.png", "e.png"), SparkTests.names(out));
        for (String n : List.of("a.png", "e.png")) {
            assertArrayEquals(Files.readAllBytes(cliOut.resolve(n)), Files.readAllBytes(out.resolve(n)), n);
        }
        List<Row> rows = spark.read().parquet(out.resolve("_results/results.parquet").toString()).collectAsList();
        Map<String, String> errors = new HashMap<>();
        rows.forEach(row -> errors.put(row.getString(0), row.getString(3)));
        assertEquals("row 2: empty 'path'", errors.get("(row 2)"));
        assertEquals(in.resolve("missing.png") + ": no such file", errors.get(in.resolve("missing.png").toString()));

        List<Row> files = List.of(RowFactory.create(in.resolve("d_alpha.png").toString()));
        spark.createDataFrame(files, DataTypes.createStructType(List.of(
                DataTypes.createStructField("file", DataTypes.StringType, false))))
                .write().parquet(tables.resolve("list.parquet").toString());
        Path out2 = dir.resolve("from-parquet");
        SparkTests.Run p = SparkTests.job(spark, "--weights", SparkTests.model(), "--backend", "cpu",
                "--table", tables.resolve("list.parquet"), "--path-column", "file", "--out", out2);
        assertEquals(0, p.code(), p.err());
        assertArrayEquals(Files.readAllBytes(cliOut.resolve("d_alpha.png")), Files.readAllBytes(out2.resolve("d_alpha.png")));

        SparkTests.Run bad = SparkTests.job(spark, "--weights", SparkTests.model(), "--table",
                tables.resolve("list.csv"), "--path-column", "file", "--out", dir.resolve("x"));
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("no column 'file' (columns: id, path)"), bad.err());
    }

    @Test
    void refusesBeforeAnyWorkAsTheCommandDoes() throws Exception {
        Path twins = dir.resolve("twins");
        SparkTests.write(twins, "x.png", SparkTests.picture(16, 16, BufferedImage.TYPE_INT_RGB, 1), "png");
        SparkTests.write(twins, "x.jpg", SparkTests.picture(16, 16, BufferedImage.TYPE_INT_RGB, 2), "jpg");
        SparkTests.Run r = SparkTests.job(spark, "--weights", SparkTests.model(), twins, "--out", dir.resolve("t"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("several inputs would be written to the same output file"), r.err());
        assertTrue(r.err().contains(dir.resolve("t/x.png").toString()), r.err());
        assertFalse(Files.exists(dir.resolve("t/_results")), "no job ran");
        assertEquals(2, SparkTests.cli("deblur", "--weights", SparkTests.model(), twins, "--out", dir.resolve("t2")).code());

        SparkTests.Run noWeights = SparkTests.job(spark, "--weights", dir.resolve("nope.safetensors"), in,
                "--out", dir.resolve("t3"));
        assertEquals(3, noWeights.code());
        assertTrue(noWeights.err().contains("--weights " + dir.resolve("nope.safetensors") + ": no such file"),
                noWeights.err());

        SparkTests.Run usage = SparkTests.job(spark, "--weights", SparkTests.model(), "--out", dir.resolve("t4"));
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("give images (IN...) or --table FILE"), usage.err());
    }

    @Test
    void anEngineThatCannotStartStopsTheJobNamingWhy() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.safetensors"), "not weights");
        SparkTests.Run r = SparkTests.job(spark, "--weights", junk, "--backend", "cpu", in.resolve("a.png"),
                "--out", dir.resolve("j"));
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("cannot start the engine (cpu on "), r.err());
        assertTrue(r.err().contains("junk.safetensors"), r.err());
    }

    @Test
    void anOutputThatIsAnInputIsNeverOverwritten() throws Exception {
        Path own = dir.resolve("own");
        Path a = SparkTests.write(own, "a.png", SparkTests.picture(16, 16, BufferedImage.TYPE_INT_RGB, 1), "png");
        byte[] before = Files.readAllBytes(a);
        SparkTests.Run r = SparkTests.job(spark, "--weights", SparkTests.model(), "--backend", "cpu", a,
                dir.resolve("no-such-folder"), "--out", own);
        assertEquals(1, r.code());
        assertArrayEquals(before, Files.readAllBytes(a));
        Map<String, Row> t = table(own.resolve("_results"));
        assertEquals(a + ": the output " + a + " is an input of this run; it is never overwritten: choose another --out",
                t.get("a.png").getString(3));
        assertEquals(dir.resolve("no-such-folder") + ": no such file or folder", t.get("no-such-folder").getString(3));
        assertNotNull(t.get("no-such-folder"));
    }
}

package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.runtime.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blurdm eval}: pairing by name, the table, CSV and JSON, errors and exit codes. */
class EvalCommandTest {
    private static CliRun run(Object... args) {
        return CliRun.of(args);
    }

    @TempDir
    Path dir;
    Path pred;
    Path gt;
    JsonNode expected;

    private static Path fixture(String name) throws Exception {
        return Path.of(EvalCommandTest.class.getResource("/fixtures/metrics/" + name).toURI());
    }

    private JsonNode pair(String name) {
        for (JsonNode p : expected.get("pairs")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError(name);
    }

    /** Copies fixture pair {@code id} as {@code <name>} into the pred and gt folders. */
    private void copyPair(String id, String name) throws Exception {
        Files.copy(fixture(id + "_pred.png"), pred.resolve(name));
        Files.copy(fixture(id + "_gt.png"), gt.resolve(name));
    }

    @BeforeEach
    void folders() throws Exception {
        pred = Files.createDirectories(dir.resolve("pred"));
        gt = Files.createDirectories(dir.resolve("gt"));
        expected = new ObjectMapper().readTree(fixture("metrics.json").toFile());
    }

    @Test
    void measuresEveryCommonNameAndWritesCsvAndJson() throws Exception {
        copyPair("p01", "b.png");
        copyPair("p02", "a.png");
        copyPair("p09", "c,d.png");
        Path csv = dir.resolve("out/sub/m.csv");
        Path json = dir.resolve("out/m.json");
        CliRun r = run("eval", "--pred", pred.toString(), "--gt", gt.toString(), "--csv", csv.toString(), "--json",
                json.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("name") && lines[0].contains("PSNR") && lines[0].contains("SSIM"), r.out());
        assertTrue(lines[1].startsWith("a.png") && lines[2].startsWith("b.png") && lines[3].startsWith("c,d.png"),
                "sorted by name:\n" + r.out());
        assertTrue(lines[4].startsWith("mean"), r.out());
        assertTrue(r.out().contains("3 pairs measured"), r.out());

        double[] psnr = {pair("p02").get("psnr").asDouble(), pair("p01").get("psnr").asDouble(),
                pair("p09").get("psnr").asDouble()};
        double[] ssim = {pair("p02").get("ssim").asDouble(), pair("p01").get("ssim").asDouble(),
                pair("p09").get("ssim").asDouble()};
        List<String> rows = Files.readAllLines(csv);
        assertEquals("name,psnr,ssim", rows.get(0));
        assertEquals(4, rows.size());
        assertTrue(rows.get(3).startsWith("\"c,d.png\","), rows.get(3));
        for (int i = 0; i < 3; i++) {
            String[] f = rows.get(i + 1).split(",");
            assertEquals(psnr[i], Double.parseDouble(f[f.length - 2]), 1e-6, rows.get(i + 1));
            assertEquals(ssim[i], Double.parseDouble(f[f.length - 1]), 1e-6, rows.get(i + 1));
        }

        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(3, doc.get("count").asInt());
        assertEquals(3, doc.get("pairs").size());
        assertEquals(0, doc.get("errors").size());
        assertEquals("a.png", doc.get("pairs").get(0).get("name").asText());
        assertEquals(psnr[0], doc.get("pairs").get(0).get("psnr").asDouble(), 1e-6);
        assertEquals((psnr[0] + psnr[1] + psnr[2]) / 3, doc.get("mean").get("psnr").asDouble(), 1e-6);
        assertEquals((ssim[0] + ssim[1] + ssim[2]) / 3, doc.get("mean").get("ssim").asDouble(), 1e-6);
        try (Stream<Path> s = Files.list(csv.getParent())) {
            assertEquals(1, s.count(), "no temporary file left beside the output");
        }
    }

    @Test
    void namesInOnlyOneFolderAreNotedNotMeasured() throws Exception {
        copyPair("p03", "common.png");
        Files.copy(fixture("p01_pred.png"), pred.resolve("only-pred.png"));
        Files.copy(fixture("p01_gt.png"), gt.resolve("only-gt.png"));
        Files.writeString(pred.resolve(".hidden"), "ignored");
        CliRun r = run("eval", "--pred", pred.toString(), "--gt", gt.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("only-pred.png") && r.err().contains("only-gt.png"), r.err());
        assertFalse(r.out().contains("only-"), r.out());
        assertFalse(r.err().contains(".hidden"), r.err());
        assertTrue(r.out().contains("1 pairs measured"), r.out());
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%.4f",
                pair("p03").get("psnr").asDouble())), r.out());
    }

    @Test
    void namesEqualWithoutExtensionPairWhenUnambiguous() throws Exception {
        Files.copy(fixture("p01_pred.png"), pred.resolve("a.png"));
        Files.copy(fixture("p01_gt.png"), gt.resolve("a.jpg")); // content decides the format
        Files.copy(fixture("p02_pred.png"), pred.resolve("b.png"));
        Files.copy(fixture("p02_gt.png"), gt.resolve("b.jpg"));
        Files.copy(fixture("p02_gt.png"), gt.resolve("b.jpeg"));
        CliRun r = run("eval", "--pred", pred.toString(), "--gt", gt.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("1 pair matched by name without extension, e.g. a.png with a.jpg"), r.err());
        assertTrue(r.err().contains("b.png") && r.err().contains("b.jpg") && r.err().contains("b.jpeg"),
                "the ambiguous ones are noted, not guessed: " + r.err());
        assertTrue(r.out().contains("1 pairs measured"), r.out());
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%.4f",
                pair("p01").get("psnr").asDouble())), r.out());
    }

    @Test
    void pairingPrefersEqualNamesThenUniqueStems() {
        java.util.Map<String, String> p = EvalCommand.pair(
                new java.util.TreeSet<>(List.of("a.png", "b.png", "c.png", "d.png", "d.bmp", "f", "g.tar.png")),
                new java.util.TreeSet<>(List.of("a.png", "a.jpg", "b.jpg", "c.jpg", "c.jpeg", "d.jpg", "e.png", "f.png",
                        "g.tar.jpg")));
        assertEquals(java.util.Map.of("a.png", "a.png", "b.png", "b.jpg", "f", "f.png", "g.tar.png", "g.tar.jpg"), p);
        assertEquals(List.of("a.png", "b.png", "f", "g.tar.png"), List.copyOf(p.keySet()), "sorted");
    }

    @Test
    void sizeMismatchAndUnreadableFilesFailTheirPairOnly() throws Exception {
        copyPair("p01", "good.png");
        Files.copy(fixture("p02_pred.png"), pred.resolve("size.png"));
        Files.copy(fixture("p01_gt.png"), gt.resolve("size.png"));
        Files.writeString(pred.resolve("text.png"), "not an image", StandardCharsets.UTF_8);
        Files.copy(fixture("p01_gt.png"), gt.resolve("text.png"));
        Files.copy(fixture("p01_pred.png"), pred.resolve("empty.png"));
        Files.write(gt.resolve("empty.png"), new byte[0]);
        Path json = dir.resolve("m.json");
        Path csv = dir.resolve("m.csv");
        CliRun r = run("eval", "--pred", pred.toString(), "--gt", gt.toString(), "--json", json.toString(), "--csv",
                csv.toString());
        assertEquals(1, r.code(), "some pair failed: exit code 1\n" + r.err());
        assertTrue(r.err().contains("size.png: size mismatch: prediction 48x64") && r.err().contains("53x37"),
                r.err());
        assertTrue(r.err().contains(pred.resolve("text.png").toString()), "the unreadable file is named: " + r.err());
        assertTrue(r.err().contains(gt.resolve("empty.png").toString()), "the unreadable file is named: " + r.err());
        assertTrue(r.out().contains("1 pairs measured, 3 failed"), r.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(1, doc.get("count").asInt());
        assertEquals(3, doc.get("errors").size());
        assertEquals(pair("p01").get("psnr").asDouble(), doc.get("mean").get("psnr").asDouble(), 1e-6);
        assertEquals(2, Files.readAllLines(csv).size(), "header and the one measured pair");
    }

    @Test
    void identicalImagesGiveInfinityInEveryOutput() throws Exception {
        copyPair("p04", "same.png");
        Path json = dir.resolve("m.json");
        Path csv = dir.resolve("m.csv");
        CliRun r = run("eval", "--pred", pred.toString(), "--gt", gt.toString(), "--json", json.toString(), "--csv",
                csv.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("inf") && r.out().contains("1.000000"), r.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("Infinity", doc.get("pairs").get(0).get("psnr").asText());
        assertEquals(Double.POSITIVE_INFINITY, Double.parseDouble(doc.get("mean").get("psnr").asText()));
        assertEquals(1.0, doc.get("mean").get("ssim").asDouble(), 1e-15);
        assertEquals("same.png,Infinity,1.0", Files.readAllLines(csv).get(1));
    }

    @Test
    void noCommonNamesIsAClearUsageError() throws Exception {
        Files.copy(fixture("p01_pred.png"), pred.resolve("x.png"));
        Files.copy(fixture("p01_gt.png"), gt.resolve("y.png"));
        Path json = dir.resolve("m.json");
        CliRun r = run("eval", "--pred", pred.toString(), "--gt", gt.toString(), "--json", json.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no pairs") && r.err().contains(pred.toString()), r.err());
        assertFalse(Files.exists(json));

        CliRun empty = run("eval", "--pred", dir.resolve("none").toString(), "--gt", gt.toString());
        assertEquals(2, empty.code());
        assertTrue(empty.err().contains("no such folder"), empty.err());
    }

    @Test
    void neverWritesOverAnInputAndReportsUnwritableOutputs() throws Exception {
        copyPair("p01", "a.png");
        byte[] before = Files.readAllBytes(gt.resolve("a.png"));
        CliRun r = run("eval", "--pred", pred.toString(), "--gt", gt.toString(), "--csv", gt.resolve("a.png").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(gt.resolve("a.png"))));

        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        CliRun w = run("eval", "--pred", pred.toString(), "--gt", gt.toString(), "--json",
                blocker.resolve("m.json").toString());
        assertEquals(1, w.code(), "an output that cannot be written: exit code 1");
        assertTrue(w.err().contains("cannot write") && w.err().contains("m.json"), w.err());
    }

    @Test
    void helpListsTheExitCodes() {
        CliRun r = run("eval", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Exit codes") && r.out().contains("--pred") && r.out().contains("--json"), r.out());
        CliRun missing = run("eval", "--pred", dir.toString());
        assertEquals(2, missing.code(), "missing --gt is a usage error");
    }

    @Test
    void grayscaleAndRgbOfTheSameValuesMeasureAlike() throws Exception {
        // Images.read converts like PIL's convert('RGB'): a gray PNG counts as three equal channels.
        int h = 13;
        int w = 17;
        java.awt.image.BufferedImage g = new java.awt.image.BufferedImage(w, h,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        float[] v = new float[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = (x * 13 + y * 7) % 256;
                g.getRaster().setSample(x, y, 0, p);
                v[3 * (y * w + x)] = p;
                v[3 * (y * w + x) + 1] = p;
                v[3 * (y * w + x) + 2] = p;
            }
        }
        javax.imageio.ImageIO.write(g, "png", pred.resolve("g.png").toFile());
        Images.writePng(Images.fromRgb(Tensor.of(v, h, w, 3)), gt.resolve("g.png"));
        CliRun r = run("eval", "--pred", pred.toString(), "--gt", gt.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("inf"), "same values, so PSNR is infinite:\n" + r.out());
    }

    @Test
    void twoFilesAreOnePairAndAFileWithAFolderIsRefused() throws Exception {
        Path p = Files.copy(fixture("p01_pred.png"), dir.resolve("result.png"));
        Path g = Files.copy(fixture("p01_gt.png"), dir.resolve("sharp.png"));
        CliRun r = run("eval", "--pred", p, "--gt", g);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("result.png") && r.out().contains("1 pairs measured"), r.out());
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%.4f",
                pair("p01").get("psnr").asDouble())), r.out());
        CliRun mixed = run("eval", "--pred", p, "--gt", gt);
        assertEquals(2, mixed.code(), mixed.err());
        assertTrue(mixed.err().contains("--gt " + gt) && mixed.err().contains("not a file"), mixed.err());
    }
}

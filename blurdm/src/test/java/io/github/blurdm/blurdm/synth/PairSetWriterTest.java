package io.github.blurdm.blurdm.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.cli.BlurdmCli;
import io.github.blurdm.blurdm.pipeline.Images;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code blurdm synth} end to end: layout, byte-identical reruns, whole-photo validation split. */
class PairSetWriterTest {
    @TempDir
    Path dir;

    private Path photos() throws Exception {
        Path p = dir.resolve("photos");
        Files.createDirectories(p.resolve("sub"));
        for (int i = 0; i < 8; i++) {
            Path f = (i % 2 == 0 ? p : p.resolve("sub")).resolve("photo" + i + ".png");
            Images.writePng(MotionBlurSynthTest.photo(90 + 7 * i, 80 + 3 * i, i).toSrgb(), f);
        }
        Files.writeString(p.resolve("notes.txt"), "not a photo");
        return p;
    }

    private static int run(String... args) {
        StringWriter err = new StringWriter();
        int code = execute(err, args);
        assertEquals(0, code, err.toString());
        return code;
    }

    private static int execute(StringWriter err, String... args) {
        CommandLine cl = BlurdmCli.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void writesTheLayoutAndIsByteIdenticalForTheSameSeed() throws Exception {
        Path photos = photos();
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        run("synth", "--sharp", photos.toString(), "--out", a.toString(), "--pairs", "20", "--seed", "9",
                "--size", "48x40", "--val-fraction", "0.25", "--threads", "3");
        run("synth", "--sharp", photos.toString(), "--out", b.toString(), "--pairs", "20", "--seed", "9",
                "--size", "48x40", "--val-fraction", "0.25", "--threads", "1");
        List<Path> fa = files(a);
        assertEquals(fa, files(b));
        assertTrue(fa.contains(Path.of("train/input/00000.png")));
        assertTrue(fa.contains(Path.of("train/target/00014.png")));
        assertTrue(fa.contains(Path.of("val/input/00004.png")));
        assertTrue(fa.contains(Path.of("val/target/00004.png")));
        assertFalse(fa.contains(Path.of("val/input/00005.png")));
        for (Path f : fa) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f.toString());
        }
        var img = Images.read(a.resolve("train/input/00003.png"));
        assertEquals(48, img.getWidth());
        assertEquals(40, img.getHeight());
        assertEquals(21, Files.readAllLines(a.resolve("pairs.csv")).size());
    }

    @Test
    void validationPhotosAreNeverUsedForTraining() throws Exception {
        Path photos = photos();
        Path out = dir.resolve("out");
        run("synth", "--sharp", photos.toString(), "--out", out.toString(), "--pairs", "40", "--seed", "1",
                "--size", "32x32", "--val-fraction", "0.3");
        Set<String> train = new HashSet<>();
        Set<String> val = new HashSet<>();
        List<String> lines = Files.readAllLines(out.resolve("pairs.csv"));
        assertTrue(lines.get(0).startsWith("split,file,photo,"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            (f[0].equals("train") ? train : val).add(f[2]);
        }
        assertFalse(val.isEmpty());
        assertFalse(train.isEmpty());
        assertEquals(8, train.size() + val.size(), "every photo used, each in one split: " + train + " " + val);
        for (String v : val) {
            assertFalse(train.contains(v), v + " in both splits");
            assertTrue(PairSetWriter.nameHash(v) < 0.3 || val.size() == 1);
        }
        assertEquals(12, files(out.resolve("val/input")).size());
    }

    @Test
    void defocusIsRecordedPerPairAndBadValuesNameTheirOption() throws Exception {
        Path photos = photos();
        Path out = dir.resolve("dof");
        run("synth", "--sharp", photos.toString(), "--out", out.toString(), "--pairs", "12", "--seed", "4",
                "--size", "40x32", "--defocus-probability", "1", "--max-defocus-radius", "3");
        List<String> lines = Files.readAllLines(out.resolve("pairs.csv"));
        assertTrue(lines.get(0).endsWith(",defocus_radius_px,defocus_mask"), lines.get(0));
        Set<String> masks = new HashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            double radius = Double.parseDouble(f[f.length - 2]);
            assertTrue(radius >= 1 && radius <= 3, line);
            masks.add(f[f.length - 1]);
        }
        assertTrue(Set.of("full", "ramp").containsAll(masks) && !masks.isEmpty(), masks.toString());
        String settings = Files.readString(out.resolve("synth-settings.txt"));
        assertTrue(settings.contains("defocus_probability=1.0") && settings.contains("max_defocus_radius=3.0"));

        Path plain = dir.resolve("plain");
        run("synth", "--sharp", photos.toString(), "--out", plain.toString(), "--pairs", "4", "--seed", "4",
                "--size", "40x32");
        for (String line : Files.readAllLines(plain.resolve("pairs.csv")).subList(1, 5)) {
            assertTrue(line.endsWith(",0.000,none"), line);
        }

        StringWriter err = new StringWriter();
        assertEquals(2, execute(err, "synth", "--sharp", photos.toString(), "--out", dir.resolve("x").toString(),
                "--pairs", "2", "--defocus-probability", "1.5"));
        assertTrue(err.toString().contains("--defocus-probability"), err.toString());
        err = new StringWriter();
        assertEquals(2, execute(err, "synth", "--sharp", photos.toString(), "--out", dir.resolve("x").toString(),
                "--pairs", "2", "--defocus-probability", "0.5", "--max-defocus-radius", "0.5"));
        assertTrue(err.toString().contains("--max-defocus-radius"), err.toString());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written on a usage error");
    }
}

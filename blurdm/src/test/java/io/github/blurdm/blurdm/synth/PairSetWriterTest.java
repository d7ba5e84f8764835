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
        CommandLine cl = BlurdmCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertEquals(0, code, err.toString());
        return code;
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
}

package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code blurdm deblur} expands files, folders and globs into inputs and output names. */
class InputsTest {
    @TempDir
    Path dir;

    private Path touch(String name) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, "x");
    }

    private static List<Path> inputs(Inputs r) {
        return r.items.stream().map(Inputs.Item::input).toList();
    }

    private static List<String> outputs(Inputs r) {
        return r.items.stream().map(i -> i.output().toString()).toList();
    }

    @Test
    void foldersGiveTheirImagesSortedAndFlatUnlessRecursive() throws Exception {
        touch("f/b.JPG");
        touch("f/a.png");
        touch("f/c.bmp");
        touch("f/notes.txt");
        touch("f/.hidden.png");
        touch("f/sub/d.jpeg");
        Inputs flat = Inputs.resolve(List.of(dir.resolve("f").toString()), false, ".png");
        assertEquals(List.of(dir.resolve("f/a.png"), dir.resolve("f/b.JPG"), dir.resolve("f/c.bmp")), inputs(flat));
        assertEquals(List.of("a.png", "b.png", "c.png"), outputs(flat));
        Inputs deep = Inputs.resolve(List.of(dir.resolve("f").toString()), true, ".png");
        assertEquals(List.of("a.png", "b.png", "c.png", "sub/d.png"), outputs(deep));
        assertTrue(deep.problems.isEmpty() && deep.conflicts.isEmpty());
    }

    @Test
    void globsAreExpandedHere() throws Exception {
        touch("g/x1.png");
        touch("g/x2.jpg");
        touch("g/y1.png");
        touch("g/x3.txt");
        touch("g/deep/x4.png");
        Inputs r = Inputs.resolve(List.of(dir.resolve("g").toString() + "/x?.*"), false, ".png");
        assertEquals(List.of(dir.resolve("g/x1.png"), dir.resolve("g/x2.jpg")), inputs(r));
        Inputs all = Inputs.resolve(List.of(dir + "/g/**/x*.png"), false, ".png");
        assertEquals(List.of(dir.resolve("g/deep/x4.png")), inputs(all), "** needs at least one folder, as in Java's glob");
        Inputs mid = Inputs.resolve(List.of(dir + "/*/x1.png"), false, ".png");
        assertEquals(List.of(dir.resolve("g/x1.png")), inputs(mid));
    }

    @Test
    void filesAreTakenWhateverTheirNameAndOnlyOnce() throws Exception {
        Path odd = touch("h/picture.data");
        Path a = touch("h/a.png");
        Inputs r = Inputs.resolve(List.of(odd.toString(), a.toString(), dir.resolve("h").toString(),
                dir + "/h/*.png"), false, ".png");
        assertEquals(List.of(odd, a), inputs(r));
        assertEquals(List.of("picture.png", "a.png"), outputs(r));
    }

    @Test
    void missingArgumentsEmptyFoldersAndEmptyGlobsAreProblems() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        touch("empty/readme.txt");
        Inputs r = Inputs.resolve(List.of(dir + "/nope.png", dir.resolve("empty").toString(), dir + "/empty/*.png",
                dir + "/nofolder/*.png"), false, ".png");
        assertTrue(r.items.isEmpty());
        assertEquals(4, r.problems.size());
        assertTrue(r.problems.get(0).message().contains("no such file"));
        assertTrue(r.problems.get(1).message().contains("no PNG/JPEG/BMP images"), r.problems.get(1).message());
        assertTrue(r.problems.get(2).message().contains("matches no"));
        assertTrue(r.problems.get(3).message().contains("no such folder"));
    }

    @Test
    void sameOutputNameIsAConflict() throws Exception {
        touch("k/a.png");
        touch("k/a.jpg");
        touch("l/b.png");
        touch("m/b.png");
        Inputs r = Inputs.resolve(List.of(dir.resolve("k").toString(), dir + "/l/b.png", dir + "/m/b.png"), false, ".png");
        assertEquals(2, r.conflicts.size());
        assertEquals(List.of(dir.resolve("k/a.jpg"), dir.resolve("k/a.png")), r.conflicts.get(Path.of("a.png")));
    }
}

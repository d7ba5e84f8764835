package io.github.blurdm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.blurdm.blurdm.cli.CliFileNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HadoopGlobs} (arguments on HDFS, S3 ...) against {@code blurdm deblur}'s own expansion
 * ({@link CliFileNames#expand}) on the same local folders, reached through Hadoop's local file system: the
 * same files in the same order, the same output names, the same reasons for arguments that give none.
 */
class HadoopGlobsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void tree() throws Exception {
        for (String f : List.of("a.png", "b.JPG", "c.jpeg", "d.bmp", "notes.txt", "noext", ".hidden.png",
                "sub/e.png", "sub/f.jpg", "sub/deeper/g.png", ".hid/h.png", "sub/.i.png", "empty/readme.md")) {
            Path p = dir.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f);
        }
    }

    private static List<String> cli(String arg, boolean recursive, String format) {
        CliFileNames.Expansion e = CliFileNames.expand(List.of(dir.resolve(arg).toString()), recursive, format);
        List<String> out = new ArrayList<>();
        e.items().forEach(n -> out.add(dir.relativize(n.input().toAbsolutePath()) + " -> " + n.output()));
        e.problems().values().forEach(out::add);
        return out;
    }

    private static List<String> hadoop(String arg, boolean recursive, String format) throws Exception {
        List<HadoopGlobs.Found> found = new ArrayList<>();
        String why = HadoopGlobs.expand("file:" + dir.resolve(arg), recursive, format, new Configuration(), found);
        List<String> out = new ArrayList<>();
        for (HadoopGlobs.Found f : found) {
            out.add(dir.relativize(Path.of(f.input().toUri().getPath())) + " -> " + f.output());
        }
        if (why != null) {
            out.add(why.replace("file:/", "/")); // the argument was given as a file: URI here
        }
        return out;
    }

    @Test
    void sameFilesNamesAndReasonsAsTheCommand() throws Exception {
        String[][] cases = {{"a.png", "n"}, {"notes.txt", "n"}, {"noext", "n"}, {".", "n"}, {".", "r"},
            {"sub", "n"}, {"sub", "r"}, {"empty", "n"}, {"empty", "r"}, {"missing", "n"}, {"*.png", "n"},
            {"*.{png,bmp}", "n"}, {"sub/*", "n"}, {"**/*.png", "n"}, {"**", "n"}, {"s?b/*.jpg", "n"},
            {"*.gif", "n"}, {"nowhere/*.png", "n"}};
        for (String[] c : cases) {
            for (String format : List.of("png", "jpg")) {
                boolean recursive = c[1].equals("r");
                assertEquals(cli(c[0], recursive, format), hadoop(c[0], recursive, format),
                        c[0] + (recursive ? " --recursive" : "") + " --format " + format);
            }
        }
    }
}

package io.github.blurdm.blurdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.blurdm.blurdm.pipeline.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes: all or nothing, no temporary file left, and the mode a plain new file gets (umask), not 0600. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private Set<PosixFilePermission> plainMode() throws IOException {
        Path plain = Files.createFile(dir.resolve("plain"));
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(plain);
        Files.delete(plain);
        return mode;
    }

    @Test
    void resultsGetTheUmaskModeLikeAnyNewFile() throws Exception {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "no POSIX permissions here");
        Set<PosixFilePermission> want = plainMode();
        assumeTrue(want.contains(PosixFilePermission.GROUP_READ) || want.contains(PosixFilePermission.OTHERS_READ),
                "the umask gives others no read access anyway, so 0600 could not be told apart");
        BufferedImage img = new BufferedImage(9, 8, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 4, 0x80c040);
        AtomicFiles.writeString(dir.resolve("a.txt"), "text");
        Images.writePng(img, dir.resolve("a.png"));
        Images.writeJpeg(img, dir.resolve("a.jpg"), 90);
        for (String f : List.of("a.txt", "a.png", "a.jpg")) {
            assertEquals(want, Files.getPosixFilePermissions(dir.resolve(f)), f);
        }
        assertEquals("text", Files.readString(dir.resolve("a.txt")));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws Exception {
        Path t = dir.resolve("keep.txt");
        AtomicFiles.writeString(t, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(t, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(t));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(t), s.toList());
        }
    }
}

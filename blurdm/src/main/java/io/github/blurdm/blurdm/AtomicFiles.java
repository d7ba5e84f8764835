package io.github.blurdm.blurdm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file whole or not at all: into a hidden temporary file beside the target, then an atomic
 * rename over it, so a reader never sees half a file and a failed write leaves the old one. The
 * temporary file is created like any other file (mode 0666 less the umask), not by
 * {@code Files.createTempFile}, whose 0600 would carry over to the result.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** What fills the temporary file. */
    @FunctionalInterface
    public interface Content {
        /** Writes the whole content to {@code tmp}, which exists and is empty. */
        void writeTo(Path tmp) throws IOException;
    }

    /** Writes {@code target} from {@code content} atomically; its folder must exist. */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = Files.createFile(abs.resolveSibling("." + abs.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp"));
        try {
            content.writeTo(tmp);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }
}

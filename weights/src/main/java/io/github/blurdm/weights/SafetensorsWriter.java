package io.github.blurdm.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes safetensors files atomically: to a temporary file beside the target, then put in place,
 * so a failed write never leaves a partial file. Without {@code overwrite} the target is created
 * exclusively (a hard link from the temporary file, which fails if anything, even a dangling
 * symbolic link, holds the name), so a file appearing meanwhile is never clobbered. With
 * {@code overwrite} the temporary file is renamed over the target. Stateless and thread-safe.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} with {@code metadata} (may be null) and, if given, {@code config}'s entries. */
    public static void write(Path target, Collection<TensorData> tensors, Map<String, String> metadata,
                             ModelConfig config, boolean overwrite) throws WeightsException {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        if (metadata != null) {
            m.putAll(metadata);
        }
        if (config != null) {
            m.putAll(config.toMetadata());
        }
        write(target, tensors, m, overwrite);
    }

    public static void write(Path target, Collection<TensorData> tensors, Map<String, String> metadata,
                             boolean overwrite) throws WeightsException {
        if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new WeightsException(target + ": already exists (refusing to overwrite)");
        }
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (TensorData t : tensors) {
            if (t.name().isEmpty() || t.name().equals("__metadata__") || !names.add(t.name())) {
                throw new WeightsException(target + ": tensor name '" + t.name() + "' is empty, reserved or repeated");
            }
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", t.dtype().safetensorsName());
            ArrayNode sh = e.putArray("shape");
            for (long d : t.shape()) {
                sh.add(d);
            }
            long len = t.bytes().remaining();
            e.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] h;
        try {
            h = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WeightsException(target + ": cannot encode header: " + e.getMessage(), e);
        }
        int pad = (8 - h.length % 8) % 8; // align the data section to 8 bytes, padded with spaces
        if (h.length + pad > SafetensorsFile.MAX_HEADER_BYTES) {
            throw new WeightsException(target + ": header of " + h.length + " bytes exceeds the limit of "
                    + SafetensorsFile.MAX_HEADER_BYTES);
        }
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            // Not Files.createTempFile: its 0600 mode would carry over to the result; this honours the umask.
            tmp = Files.createFile(dir.resolve("." + target.getFileName() + "."
                    + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".tmp"));
            try (OutputStream os = Files.newOutputStream(tmp); WritableByteChannel ch = Channels.newChannel(os)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length + pad);
                os.write(len.array());
                os.write(h);
                for (int i = 0; i < pad; i++) {
                    os.write(' ');
                }
                for (TensorData t : tensors) {
                    ByteBuffer b = t.bytes();
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
            }
            if (overwrite) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                createExclusively(target, tmp);
            }
            tmp = null;
        } catch (FileAlreadyExistsException e) {
            throw new WeightsException(target + ": already exists (refusing to overwrite)", e);
        } catch (IOException e) {
            throw new WeightsException(target + ": write failed: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort cleanup
                }
            }
        }
    }

    /** Gives {@code tmp}'s content the name {@code target} only if that name is free, atomically where links work. */
    private static void createExclusively(Path target, Path tmp) throws IOException {
        try {
            Files.createLink(target, tmp); // link(2): fails with EEXIST, never replaces
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | IOException e) {
            // File systems without hard links: a move that refuses an existing target (checked, then renamed).
            Files.move(tmp, target);
            return;
        }
        Files.delete(tmp);
    }
}

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Map;

/**
 * Writes safetensors files atomically: to a temporary file beside the target, then renamed, so a
 * failed write never leaves a partial file or clobbers an existing one unless {@code overwrite}.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    public static void write(Path target, Collection<TensorData> tensors, Map<String, String> metadata,
                             boolean overwrite) throws WeightsException {
        if (!overwrite && Files.exists(target)) {
            throw new WeightsException(target + ": already exists (refusing to overwrite)");
        }
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (TensorData t : tensors) {
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
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
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
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            tmp = null;
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
}

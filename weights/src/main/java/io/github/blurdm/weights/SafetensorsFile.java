package io.github.blurdm.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, validated on open and read through memory maps: 8-byte little-endian header
 * length, a JSON header mapping names to {dtype, shape, data_offsets} plus an optional string map
 * {@code __metadata__}, then the data. Checked: header length within the file, valid UTF-8 JSON,
 * known dtypes, non-negative shapes, {@code numel * dtype size == end - begin}, every range inside
 * the data section, no two ranges overlapping. Not thread-safe to close while reading.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Headers larger than this are refused (the format's own reference limit is 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /** Tensors up to this size are copied to the heap rather than memory-mapped. */
    static final long SMALL_TENSOR_BYTES = 64 << 10;

    /** Tensors of more dimensions than this are refused. */
    public static final int MAX_DIMS = 64;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private record Entry(DType dtype, long[] shape, long begin, long end) {
    }

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates {@code path}; throws {@link WeightsException} naming the file and the fault. */
    public static SafetensorsFile open(Path path) throws WeightsException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new WeightsException(path + ": cannot open: " + e.getMessage(), e);
        }
        try {
            SafetensorsFile f = parse(path, ch);
            ch = null;
            return f;
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel ch) throws WeightsException {
        try {
            long size = ch.size();
            if (size < 8) {
                throw new WeightsException(path + ": not a safetensors file (" + size + " bytes, need at least 8)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
                throw new WeightsException(path + ": header length " + headerLen + " is invalid for a file of "
                        + size + " bytes (not a safetensors file, or truncated)");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            String header;
            try {
                header = StandardCharsets.UTF_8.newDecoder().decode(hb.flip()).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new WeightsException(path + ": header is not valid UTF-8", e);
            }
            JsonNode root;
            try {
                root = JSON.readTree(header);
            } catch (JsonProcessingException e) {
                throw new WeightsException(path + ": header is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw new WeightsException(path + ": header must be a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                String name = f.getKey();
                JsonNode v = f.getValue();
                if (name.equals("__metadata__")) {
                    if (!v.isObject()) {
                        throw new WeightsException(path + ": __metadata__ must be an object of strings");
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext();) {
                        Map.Entry<String, JsonNode> kv = m.next();
                        if (!kv.getValue().isTextual()) {
                            throw new WeightsException(path + ": __metadata__." + kv.getKey() + " must be a string");
                        }
                        meta.put(kv.getKey(), kv.getValue().asText());
                    }
                    continue;
                }
                entries.put(name, parseEntry(path, name, v, dataLen));
            }
            checkOverlaps(path, entries);
            return new SafetensorsFile(path, ch, dataStart, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(meta));
        } catch (IOException e) {
            throw new WeightsException(path + ": read failed: " + e.getMessage(), e);
        }
    }

    private static Entry parseEntry(Path path, String name, JsonNode v, long dataLen) throws WeightsException {
        String where = path + ": tensor '" + name + "'";
        if (!v.isObject() || !v.path("dtype").isTextual() || !v.path("shape").isArray()
                || !v.path("data_offsets").isArray() || v.path("data_offsets").size() != 2) {
            throw new WeightsException(where + " needs dtype (string), shape (array) and data_offsets ([begin, end])");
        }
        DType dt = DType.fromSafetensors(v.get("dtype").asText());
        if (dt == null) {
            throw new WeightsException(where + ": unknown dtype '" + v.get("dtype").asText() + "'");
        }
        if (v.get("shape").size() > MAX_DIMS) {
            throw new WeightsException(where + ": " + v.get("shape").size() + " dimensions (at most " + MAX_DIMS + ")");
        }
        long[] shape = new long[v.get("shape").size()];
        long numel = 1;
        long expected;
        try {
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = v.get("shape").get(i);
                if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                    throw new WeightsException(where + ": shape " + v.get("shape") + " must hold integers >= 0");
                }
                shape[i] = d.asLong();
                numel = Math.multiplyExact(numel, shape[i]);
            }
            expected = Math.multiplyExact(numel, (long) dt.bytes());
        } catch (ArithmeticException e) {
            throw new WeightsException(where + ": shape " + v.get("shape") + " overflows a 64-bit byte count");
        }
        JsonNode off = v.get("data_offsets");
        if (!off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong()
                || !off.get(1).canConvertToLong()) {
            throw new WeightsException(where + ": data_offsets must be 64-bit integers");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLen) {
            throw new WeightsException(where + ": data_offsets [" + begin + ", " + end + "] fall outside the "
                    + dataLen + "-byte data section (file truncated?)");
        }
        if (end - begin != expected) {
            throw new WeightsException(where + ": " + dt + " shape " + v.get("shape") + " needs " + expected
                    + " bytes but data_offsets span " + (end - begin));
        }
        return new Entry(dt, shape, begin, end);
    }

    private static void checkOverlaps(Path path, Map<String, Entry> entries) throws WeightsException {
        List<Map.Entry<String, Entry>> sorted = new ArrayList<>(entries.entrySet());
        sorted.sort((a, b) -> Long.compare(a.getValue().begin, b.getValue().begin));
        // Empty tensors occupy nothing; among the rest, each must start at or after the furthest end so far.
        Map.Entry<String, Entry> furthest = null;
        for (Map.Entry<String, Entry> cur : sorted) {
            if (cur.getValue().end == cur.getValue().begin) {
                continue;
            }
            if (furthest != null && cur.getValue().begin < furthest.getValue().end) {
                throw new WeightsException(path + ": tensors '" + furthest.getKey() + "' and '" + cur.getKey()
                        + "' overlap in the data section");
            }
            if (furthest == null || cur.getValue().end > furthest.getValue().end) {
                furthest = cur;
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    public Path path() {
        return path;
    }

    /** Tensor names in header order. */
    public List<String> keys() {
        return new ArrayList<>(entries.keySet());
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The {@code __metadata__} map (empty if absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The model configuration in {@code __metadata__}, if the file names an architecture. */
    public java.util.Optional<ModelConfig> modelConfig() throws WeightsException {
        return ModelConfig.fromMetadata(metadata, String.valueOf(path));
    }

    public DType dtype(String name) throws WeightsException {
        return entry(name).dtype;
    }

    public long[] shape(String name) throws WeightsException {
        return entry(name).shape.clone();
    }

    private Entry entry(String name) throws WeightsException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new WeightsException(path + ": no tensor named '" + name + "'");
        }
        return e;
    }

    /** The tensor's bytes, memory-mapped (read-only). */
    public TensorData get(String name) throws WeightsException {
        Entry e = entry(name);
        try {
            long len = e.end - e.begin;
            ByteBuffer b;
            if (len <= SMALL_TENSOR_BYTES) {
                // A mapping costs more than a copy for small tensors (biases, norms).
                b = ByteBuffer.allocate((int) len);
                readFully(channel, b, dataStart + e.begin);
                b.flip();
            } else {
                MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin, len);
                b = m;
            }
            return new TensorData(name, e.dtype, e.shape, b);
        } catch (IOException | IllegalArgumentException ex) {
            // IllegalArgumentException: a mapping over 2 GiB.
            throw new WeightsException(path + ": cannot map tensor '" + name + "': " + ex.getMessage(), ex);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do on a read-only channel
        }
    }
}

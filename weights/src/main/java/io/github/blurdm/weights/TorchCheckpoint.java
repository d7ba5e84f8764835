package io.github.blurdm.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A checkpoint written by {@code torch.save}. With PyTorch >= 1.6 (the default format): a zip holding
 * the pickle {@code <root>/data.pkl} and one entry {@code <root>/data/<key>} per storage (raw,
 * little-endian unless {@code <root>/byteorder} says "big"). Before 1.6, or with
 * {@code _use_new_zipfile_serialization=False} (the legacy format, in which older releases' weights
 * were saved): five pickles in a row (magic number, protocol 1001,
 * system info with the byte order, the object, the sorted list of storage keys), then each storage
 * in that order as a little-endian int64 element count and its raw elements. The pickle is read by a
 * reader that executes nothing (see {@link PyObject}); tensors are found as {@link TorchTensor} views
 * and read on demand, each storage once even when several tensors share it.
 *
 * <p>Checked on open: no zip entry name is absolute or contains "..", exactly one {@code data.pkl},
 * each entry's declared size within the limits and its compression ratio plausible (no zip bombs);
 * in the legacy format the magic number and protocol, and that the storages listed are exactly the
 * ones the pickle names, each with the element count it declares, ending exactly at the end of the
 * file. On read: the storage holds exactly the bytes the pickle says, and bytes read in total stay
 * under the limit given to {@link #open(Path, long)}.
 *
 * <pre>{@code
 * try (TorchCheckpoint ck = TorchCheckpoint.open(Path.of("last_MIMO.pth"))) {
 *     StateDict sd = ck.stateDict("model_state").stripPrefix("module.");
 * }
 * }</pre>
 * Not thread-safe.
 */
public final class TorchCheckpoint implements AutoCloseable {
    /** Default cap on the bytes decompressed from one checkpoint. */
    public static final long DEFAULT_MAX_BYTES = 16L << 30;
    /** The pickle is read into memory; larger ones are refused. */
    public static final long MAX_PICKLE_BYTES = 256L << 20;
    /** A deflated entry may expand at most this much (plus 1 MiB); torch.save itself stores entries uncompressed. */
    public static final long MAX_COMPRESSION_RATIO = 100;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
    private static final int MAX_WALK_DEPTH = 64;

    /** The legacy format's first pickle: {@code torch.serialization.MAGIC_NUMBER}. */
    private static final java.math.BigInteger LEGACY_MAGIC = new java.math.BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long LEGACY_PROTOCOL = 1001;

    private final Path path;
    private final ZipFile zip;
    /** Legacy format only (else null): the open file and each storage's {offset, bytes} in it. */
    private final FileChannel legacy;
    private final Map<String, long[]> legacyStorages;
    private final String root;
    private final ByteOrder order;
    private final Object data;
    private final long maxBytes;
    private long bytesRead;
    private final Map<String, byte[]> storageCache = new HashMap<>();

    private TorchCheckpoint(Path path, ZipFile zip, String root, ByteOrder order, Object data, long maxBytes,
                            long bytesRead) {
        this(path, zip, null, null, root, order, data, maxBytes, bytesRead);
    }

    private TorchCheckpoint(Path path, ZipFile zip, FileChannel legacy, Map<String, long[]> legacyStorages,
                            String root, ByteOrder order, Object data, long maxBytes, long bytesRead) {
        this.path = path;
        this.zip = zip;
        this.legacy = legacy;
        this.legacyStorages = legacyStorages;
        this.root = root;
        this.order = order;
        this.data = data;
        this.maxBytes = maxBytes;
        this.bytesRead = bytesRead;
    }

    /** Opens with {@link #DEFAULT_MAX_BYTES}. */
    public static TorchCheckpoint open(Path path) throws WeightsException {
        return open(path, DEFAULT_MAX_BYTES);
    }

    /** Opens {@code path}, reading at most {@code maxBytes} decompressed bytes over the checkpoint's life. */
    public static TorchCheckpoint open(Path path, long maxBytes) throws WeightsException {
        WeightsFormat f = WeightsFormat.detect(path);
        if (f == WeightsFormat.TORCH_LEGACY) {
            return openLegacy(path, maxBytes);
        }
        if (f != WeightsFormat.TORCH_ZIP) {
            throw new WeightsException(path + ": not a PyTorch checkpoint (found " + f + ")");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (IOException | RuntimeException e) {
            // java.util.zip reports malformed archives as ZipException and, for bad names, IllegalArgumentException.
            throw new WeightsException(path + ": not a readable zip: " + e.getMessage(), e);
        }
        try {
            TorchCheckpoint ck = load(path, zip, maxBytes);
            zip = null;
            return ck;
        } finally {
            if (zip != null) {
                closeQuietly(zip);
            }
        }
    }

    private static TorchCheckpoint load(Path path, ZipFile zip, long maxBytes) throws WeightsException {
        String pkl = null;
        try {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements();) {
                ZipEntry e = en.nextElement();
                String n = e.getName();
                checkEntryName(path, n);
                int slash = n.indexOf('/');
                if (slash > 0 && n.substring(slash + 1).equals("data.pkl")) {
                    if (pkl != null) {
                        throw new WeightsException(path + ": two pickles, " + pkl + " and " + n);
                    }
                    pkl = n;
                }
            }
        } catch (RuntimeException e) {
            throw new WeightsException(path + ": corrupt zip directory: " + e.getMessage(), e);
        }
        if (pkl == null) {
            throw new WeightsException(path + ": zip without <root>/data.pkl: not a torch.save checkpoint");
        }
        String root = pkl.substring(0, pkl.indexOf('/'));
        long[] read = {0};
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        ZipEntry bo = entry(path, zip, root + "/byteorder");
        if (bo != null) {
            String s = new String(readEntry(path, zip, bo, 16, read, maxBytes), StandardCharsets.US_ASCII).trim();
            if (s.equals("big")) {
                order = ByteOrder.BIG_ENDIAN;
            } else if (!s.equals("little")) {
                throw new WeightsException(path + ": " + root + "/byteorder says '" + s + "', expected little or big");
            }
        }
        byte[] pickle = readEntry(path, zip, entry(path, zip, pkl), MAX_PICKLE_BYTES, read, maxBytes);
        Object data = TorchUnpickler.read(pickle, path + ": " + pkl);
        return new TorchCheckpoint(path, zip, root, order, data, maxBytes, read[0]);
    }

    private static TorchCheckpoint openLegacy(Path path, long maxBytes) throws WeightsException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            throw new WeightsException(path + ": cannot read: " + e.getMessage(), e);
        }
        try {
            TorchCheckpoint ck = loadLegacy(path, ch, maxBytes);
            ch = null;
            return ck;
        } finally {
            if (ch != null) {
                closeQuietly(ch);
            }
        }
    }

    private static TorchCheckpoint loadLegacy(Path path, FileChannel ch, long maxBytes) throws WeightsException {
        String where = path + ": legacy PyTorch checkpoint";
        long size;
        byte[] head;
        try {
            size = ch.size();
            head = new byte[(int) Math.min(size, MAX_PICKLE_BYTES)];
            readFully(ch, ByteBuffer.wrap(head), 0);
        } catch (IOException e) {
            throw new WeightsException(path + ": cannot read: " + e.getMessage(), e);
        }
        TorchUnpickler.Parsed magic = pickleAt(head, 0, size, path.toString());
        Object m = magic.value();
        if (!(m instanceof Long || m instanceof java.math.BigInteger)
                || !LEGACY_MAGIC.equals(new java.math.BigInteger(m.toString()))) {
            throw new WeightsException(path + ": a pickle, but not a torch.save checkpoint (no legacy magic "
                    + "number; a bare pickle of tensors is not readable without running Python code): "
                    + WeightsFormat.RESAVE_HINT);
        }
        TorchUnpickler.Parsed protocol = pickleAt(head, magic.end(), size, where + " (protocol)");
        if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol.value())) {
            throw new WeightsException(where + ": protocol " + protocol.value() + ", expected " + LEGACY_PROTOCOL);
        }
        TorchUnpickler.Parsed info = pickleAt(head, protocol.end(), size, where + " (system info)");
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        if (info.value() instanceof Map<?, ?> im && Boolean.FALSE.equals(im.get("little_endian"))) {
            order = ByteOrder.BIG_ENDIAN;
        }
        TorchUnpickler.Parsed data = pickleAt(head, info.end(), size, where);
        TorchUnpickler.Parsed keys = pickleAt(head, data.end(), size, where + " (storage keys)");
        if (!(keys.value() instanceof List<?> list)) {
            throw new WeightsException(where + ": the storage key list after the pickle is missing");
        }
        Map<String, TorchUnpickler.Storage> named = data.storages();
        Map<String, long[]> at = new HashMap<>();
        long pos = keys.end();
        ByteBuffer count = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (Object k : list) {
            TorchUnpickler.Storage s = k instanceof String key ? named.get(key) : null;
            if (s == null || at.containsKey(s.key())) {
                throw new WeightsException(where + ": the storage list names " + k + ", which no tensor uses or "
                        + "which is listed twice");
            }
            if (pos + 8 > size) {
                throw new WeightsException(where + ": ends at byte " + size + " before storage " + s.key()
                        + " (truncated)");
            }
            try {
                count.clear();
                readFully(ch, count, pos);
            } catch (IOException e) {
                throw new WeightsException(path + ": cannot read: " + e.getMessage(), e);
            }
            long n = count.getLong(0);
            if (n != s.numel()) {
                throw new WeightsException(where + ": storage " + s.key() + " holds " + n + " elements but the "
                        + "pickle declares " + s.numel() + " (corrupt)");
            }
            long bytes = n * s.dtype().bytes(); // n equals a numel checked against the pickle's size fields
            if (n > size || bytes > size - pos - 8) {
                throw new WeightsException(where + ": storage " + s.key() + " needs " + bytes + " bytes from byte "
                        + (pos + 8) + " but the file ends at " + size + " (truncated)");
            }
            at.put(s.key(), new long[] {pos + 8, bytes});
            pos += 8 + bytes;
        }
        for (String key : named.keySet()) {
            if (!at.containsKey(key)) {
                throw new WeightsException(where + ": storage " + key + " is used by a tensor but not stored");
            }
        }
        if (pos != size) {
            throw new WeightsException(where + ": " + (size - pos) + " bytes after the last storage (corrupt)");
        }
        return new TorchCheckpoint(path, null, ch, at, "", order, data.value(), maxBytes, 0);
    }

    /** One of the legacy file's pickles; one that runs off a wholly read file says the file may be cut short. */
    private static TorchUnpickler.Parsed pickleAt(byte[] head, int at, long size, String where)
            throws WeightsException {
        try {
            return TorchUnpickler.readAt(head, at, where);
        } catch (WeightsException e) {
            if (head.length == size && e.getMessage().contains("end")) {
                throw new WeightsException(e.getMessage() + " (the file ends at byte " + size + ": truncated?)", e);
            }
            throw e;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
        while (dst.hasRemaining()) {
            int r = ch.read(dst, pos);
            if (r < 0) {
                throw new IOException("end of file at byte " + pos);
            }
            pos += r;
        }
    }

    private static void checkEntryName(Path path, String n) throws WeightsException {
        if (n.isEmpty() || n.startsWith("/") || n.startsWith("\\") || n.contains("\\") || n.contains("\0")
                || n.matches("^[A-Za-z]:.*") || List.of(n.split("/")).contains("..")) {
            throw new WeightsException(path + ": zip entry '" + n.replaceAll("\\p{Cntrl}", "?")
                    + "' has an absolute or '..' path");
        }
    }

    private static ZipEntry entry(Path path, ZipFile zip, String name) throws WeightsException {
        try {
            return zip.getEntry(name);
        } catch (RuntimeException e) {
            throw new WeightsException(path + ": corrupt zip directory: " + e.getMessage(), e);
        }
    }

    /** Reads one entry fully, checking its declared size against the limits and what it really holds. */
    private static byte[] readEntry(Path path, ZipFile zip, ZipEntry e, long limit, long[] total, long maxBytes)
            throws WeightsException {
        String where = path + ": zip entry " + e.getName();
        long size = e.getSize();
        long csize = e.getCompressedSize();
        if (size < 0) {
            throw new WeightsException(where + ": size unknown");
        }
        if (size > limit || size > MAX_ARRAY) {
            throw new WeightsException(where + ": " + size + " bytes exceed the limit of " + Math.min(limit, MAX_ARRAY));
        }
        if (total[0] + size > maxBytes) {
            throw new WeightsException(where + ": reading " + size + " more bytes would exceed the limit of "
                    + maxBytes + " decompressed bytes");
        }
        if (e.getMethod() == ZipEntry.STORED ? size != csize
                : csize < 0 || size > csize * MAX_COMPRESSION_RATIO + (1 << 20)) {
            throw new WeightsException(where + ": declares " + size + " bytes from " + csize
                    + " compressed (zip bomb or corrupt)");
        }
        byte[] b = new byte[(int) size];
        try (InputStream in = zip.getInputStream(e)) {
            int n = 0;
            while (n < b.length) {
                int r = in.read(b, n, b.length - n);
                if (r < 0) {
                    throw new WeightsException(where + ": ends after " + n + " of " + size + " bytes (truncated)");
                }
                n += r;
            }
            if (in.read() >= 0) {
                throw new WeightsException(where + ": holds more than the " + size + " bytes it declares");
            }
        } catch (IOException | RuntimeException ex) {
            throw new WeightsException(where + ": unreadable: " + ex.getMessage(), ex);
        }
        total[0] += size;
        return b;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // read-only
        }
    }

    public Path path() {
        return path;
    }

    /** The zip's top folder (torch names it after the file, or "archive"); "" in the legacy format. */
    public String root() {
        return root;
    }

    /** Whether the file is in the legacy (pre-1.6) format rather than a zip. */
    public boolean isLegacy() {
        return legacy != null;
    }

    /** The storages' byte order (little unless the checkpoint's byteorder entry says big). */
    public ByteOrder byteOrder() {
        return order;
    }

    /**
     * The unpickled object: usually a LinkedHashMap. Values are null, Boolean, Long, BigInteger,
     * Double, String, byte[], List, {@link PyTuple}, LinkedHashMap, {@link TorchTensor} or {@link PyObject}.
     * Structures may share or even contain themselves: walk them with a depth limit.
     */
    public Object data() {
        return data;
    }

    /** Every tensor reachable through dicts, lists and tuples, by path (keys joined with '/'), in pickle order. */
    public Map<String, TorchTensor> tensors() {
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        walk(data, "", out, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
        return out;
    }

    private static void walk(Object o, String prefix, Map<String, TorchTensor> out, Set<Object> seen, int depth) {
        if (o instanceof TorchTensor t) {
            out.putIfAbsent(prefix, t);
            return;
        }
        if (depth > MAX_WALK_DEPTH || !(o instanceof Map<?, ?> || o instanceof List<?>) || !seen.add(o)) {
            return;
        }
        String p = prefix.isEmpty() ? "" : prefix + "/";
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getValue(), p + keyString(e.getKey()), out, seen, depth + 1);
            }
        } else {
            List<?> l = (List<?>) o;
            for (int i = 0; i < l.size(); i++) {
                walk(l.get(i), p + i, out, seen, depth + 1);
            }
        }
        seen.remove(o);
    }

    /** A dict key as Python's str() would print a scalar key. */
    static String keyString(Object k) {
        if (k instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (k == null) {
            return "None";
        }
        if (k instanceof String || k instanceof Number) {
            return k.toString();
        }
        return k.getClass().getSimpleName();
    }

    /**
     * The entries that look like state dicts: "" for the whole object if it is one, else the
     * top-level keys whose values are non-empty dicts of string keys to tensors.
     */
    public List<String> stateDictKeys() {
        List<String> r = new ArrayList<>();
        if (isStateDict(data)) {
            r.add("");
            return r;
        }
        if (data instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getKey() instanceof String k && isStateDict(e.getValue())) {
                    r.add(k);
                }
            }
        }
        return r;
    }

    private static boolean isStateDict(Object o) {
        if (!(o instanceof Map<?, ?> m) || m.isEmpty()) {
            return false;
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof TorchTensor)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a state dict: {@code key} names a top-level entry ("model_state"); null picks the only
     * candidate of {@link #stateDictKeys()} and fails listing them if there are several or none.
     */
    public StateDict stateDict(String key) throws WeightsException {
        List<String> candidates = stateDictKeys();
        Object sd;
        if (key == null || key.isEmpty()) {
            if (candidates.size() != 1) {
                throw new WeightsException(path + ": " + (candidates.isEmpty() ? "no state dict found"
                        : "several state dicts " + candidates) + "; choose one with a key");
            }
            key = candidates.get(0);
            sd = key.isEmpty() ? data : ((Map<?, ?>) data).get(key);
        } else {
            sd = data instanceof Map<?, ?> m ? m.get(key) : null;
            if (!isStateDict(sd)) {
                throw new WeightsException(path + ": '" + key + "' is not a state dict here; state dicts: "
                        + (candidates.contains("") ? "the whole file" : candidates));
            }
        }
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) sd).entrySet()) {
            String name = (String) e.getKey();
            out.put(name, read(name, (TorchTensor) e.getValue()));
        }
        return StateDict.of(path.getFileName() + (key.isEmpty() ? "" : "[" + key + "]"), out);
    }

    /** Reads one tensor into a contiguous, little-endian {@link TensorData} of its own dtype. */
    public TensorData read(String name, TorchTensor t) throws WeightsException {
        int e = t.dtype().bytes();
        long outLen = t.numel() * e; // numel <= storage numel, so no overflow past a readable storage
        if (outLen > MAX_ARRAY) {
            throw new WeightsException(path + ": tensor '" + name + "' has " + outLen + " bytes, more than one "
                    + "Java array holds");
        }
        byte[] src = storage(t);
        byte[] out = new byte[(int) outLen];
        long[] shape = t.shape();
        long[] stride = t.stride();
        if (t.numel() == 0) {
            // nothing to copy; the offset may legitimately point at the end of the storage
        } else if (t.isContiguous()) {
            System.arraycopy(src, (int) (t.storageOffset() * e), out, 0, out.length);
        } else {
            int rank = shape.length;
            long[] idx = new long[rank];
            long off = t.storageOffset();
            for (int o = 0; o < out.length; o += e) {
                System.arraycopy(src, (int) (off * e), out, o, e);
                for (int d = rank - 1; d >= 0; d--) {
                    if (++idx[d] < shape[d]) {
                        off += stride[d];
                        break;
                    }
                    off -= (idx[d] - 1) * stride[d];
                    idx[d] = 0;
                }
            }
        }
        if (order == ByteOrder.BIG_ENDIAN && e > 1) {
            for (int o = 0; o < out.length; o += e) {
                for (int i = 0; i < e / 2; i++) {
                    byte tmp = out[o + i];
                    out[o + i] = out[o + e - 1 - i];
                    out[o + e - 1 - i] = tmp;
                }
            }
        }
        return new TensorData(name, t.dtype(), shape, ByteBuffer.wrap(out));
    }

    private byte[] storage(TorchTensor t) throws WeightsException {
        byte[] b = storageCache.get(t.storageKey());
        if (b != null) {
            return b;
        }
        if (legacy != null) {
            b = legacyStorage(t.storageKey());
            storageCache.put(t.storageKey(), b);
            return b;
        }
        String name = root + "/data/" + t.storageKey();
        ZipEntry e = entry(path, zip, name);
        if (e == null) {
            throw new WeightsException(path + ": storage " + t.storageKey() + " (zip entry " + name + ") is missing");
        }
        long need;
        try {
            need = Math.multiplyExact(t.storageNumel(), (long) t.dtype().bytes());
        } catch (ArithmeticException ex) {
            throw new WeightsException(path + ": storage " + t.storageKey() + " size overflows");
        }
        if (e.getSize() != need) {
            throw new WeightsException(path + ": storage " + t.storageKey() + " should hold " + t.storageNumel()
                    + " " + t.dtype() + " elements (" + need + " bytes) but its zip entry declares " + e.getSize()
                    + " bytes");
        }
        long[] total = {bytesRead};
        b = readEntry(path, zip, e, MAX_ARRAY, total, maxBytes);
        bytesRead = total[0];
        storageCache.put(t.storageKey(), b);
        return b;
    }

    private byte[] legacyStorage(String key) throws WeightsException {
        long[] at = legacyStorages.get(key); // present: open checked every storage the pickle names
        if (at[1] > MAX_ARRAY) {
            throw new WeightsException(path + ": storage " + key + " has " + at[1] + " bytes, more than one "
                    + "Java array holds");
        }
        if (bytesRead + at[1] > maxBytes) {
            throw new WeightsException(path + ": reading storage " + key + " (" + at[1] + " bytes) would exceed "
                    + "the limit of " + maxBytes + " bytes");
        }
        byte[] b = new byte[(int) at[1]];
        try {
            readFully(legacy, ByteBuffer.wrap(b), at[0]);
        } catch (IOException e) {
            throw new WeightsException(path + ": storage " + key + " unreadable: " + e.getMessage(), e);
        }
        bytesRead += at[1];
        return b;
    }

    @Override
    public void close() {
        storageCache.clear();
        if (zip != null) {
            closeQuietly(zip);
        }
        if (legacy != null) {
            closeQuietly(legacy);
        }
    }
}

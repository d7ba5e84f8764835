package io.github.blurdm.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The checkpoint fixtures written by weights/reference/make_checkpoint_fixtures.py, and builders for hostile ones. */
final class Fixtures {
    static final String[] TORCH = {"plain", "training", "dataparallel", "dtypes", "views"};

    private Fixtures() {
    }

    static Path path(String file) {
        try {
            return Path.of(Fixtures.class.getResource("/checkpoints/" + file).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("fixture " + file + " missing; run weights/reference/make_checkpoint_fixtures.py", e);
        }
    }

    /** Writes a zip with the given entries, stored (as torch.save does) or deflated. */
    static Path zip(Path file, Map<String, byte[]> entries, boolean deflate) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(e.getValue().length);
                    ze.setCompressedSize(e.getValue().length);
                    ze.setCrc(crc.getValue());
                }
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return file;
    }

    /** A tiny pickle writer (protocol 2) for hand-made hostile pickles. */
    static final class Pickle {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Pickle() {
            op(0x80).op(2);
        }

        Pickle op(int... ops) {
            for (int o : ops) {
                b.write(o);
            }
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            op('X').i32(u.length);
            b.writeBytes(u);
            return this;
        }

        Pickle i32(int v) {
            return op(v & 0xff, v >>> 8 & 0xff, v >>> 16 & 0xff, v >>> 24 & 0xff);
        }

        Pickle num(long v) {
            if (v >= 0 && v < 256) {
                return op('K', (int) v);
            }
            op(0x8a, 8);
            for (int i = 0; i < 8; i++) {
                op((int) (v >>> (8 * i)) & 0xff);
            }
            return this;
        }

        Pickle mark() {
            return op('(');
        }

        Pickle tuple() {
            return op('t');
        }

        Pickle longs(long... vs) {
            mark();
            for (long v : vs) {
                num(v);
            }
            return tuple();
        }

        /** Pushes _rebuild_tensor_v2(storage(type, key, numel), offset, size, stride, False, OrderedDict()). */
        Pickle tensor(String storageType, String key, long numel, long offset, long[] size, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").mark();
            mark().str("storage").global("torch", storageType).str(key).str("cpu").num(numel).tuple().op('Q');
            num(offset).longs(size).longs(stride).op(0x89);
            global("collections", "OrderedDict").op(')', 'R');
            return tuple().op('R');
        }

        byte[] stop() {
            op('.');
            return b.toByteArray();
        }
    }

    /** A zip checkpoint {root}/data.pkl + storages. */
    static Path checkpoint(Path file, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> m = new java.util.LinkedHashMap<>();
        m.put("archive/data.pkl", pickle);
        storages.forEach((k, v) -> m.put("archive/data/" + k, v));
        m.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return zip(file, m, false);
    }
}

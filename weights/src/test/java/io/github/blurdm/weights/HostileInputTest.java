package io.github.blurdm.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile files: each must open into inert values or end in a {@link WeightsException} naming the
 * file and the fault; never another exception, an OutOfMemoryError, a hang, or a side effect.
 */
class HostileInputTest {
    private static final Path MARKER = Path.of("/tmp/blurdm-pwned-marker");

    @TempDir
    Path dir;

    /** Opens a file of any format and reads every tensor in it, as the CLI's inspect and convert do. */
    static void readEverything(Path p) throws WeightsException {
        WeightsFormat f = WeightsFormat.detect(p);
        if (f == WeightsFormat.SAFETENSORS) {
            try (SafetensorsFile sf = SafetensorsFile.open(p)) {
                sf.modelConfig();
                for (String k : sf.keys()) {
                    sf.get(k).toFloats();
                }
            }
        } else {
            try (TorchCheckpoint ck = TorchCheckpoint.open(p)) {
                ck.stateDictKeys();
                for (Map.Entry<String, TorchTensor> e : ck.tensors().entrySet()) {
                    ck.read(e.getKey(), e.getValue()).toFloats();
                }
            }
        }
    }

    private static WeightsException refused(Path p) {
        WeightsException e = assertThrows(WeightsException.class, () -> readEverything(p));
        assertTrue(e.getMessage().contains(p.toString()), "message names the file: " + e.getMessage());
        return e;
    }

    private static void assertRefused(Path p, String what) {
        WeightsException e = refused(p);
        assertTrue(e.getMessage().contains(what), "expected '" + what + "' in: " + e.getMessage());
    }

    private static List<Path> fixtureFiles() {
        List<Path> l = new ArrayList<>();
        for (String n : Fixtures.TORCH) {
            l.add(Fixtures.path(n + ".pth"));
            l.add(Fixtures.path(n + ".expected.safetensors"));
        }
        for (String n : new String[] {"plain", "training", "dtypes", "views"}) {
            l.add(Fixtures.path(n + ".legacy.pth"));
        }
        l.add(Fixtures.path("malicious.pth"));
        return l;
    }

    @Test
    void maliciousGlobalsBecomeInertPlaceholders() throws Exception {
        Files.deleteIfExists(MARKER);
        try (TorchCheckpoint ck = TorchCheckpoint.open(Fixtures.path("malicious.pth"))) {
            Map<?, ?> d = assertInstanceOf(Map.class, ck.data());
            assertEquals("posix.system", ((PyObject) d.get("system")).qualifiedName()); // os.system's real home
            assertEquals("builtins.eval", ((PyObject) d.get("eval")).qualifiedName());
            PyObject popen = (PyObject) d.get("popen");
            assertEquals("subprocess.Popen", popen.qualifiedName());
            assertTrue(popen.called());
            assertEquals(1.5, d.get("weight"));
            assertTrue(ck.tensors().isEmpty());
            assertTrue(ck.stateDictKeys().isEmpty());
            assertThrows(WeightsException.class, () -> ck.stateDict(null));
        }
        assertFalse(Files.exists(MARKER), "nothing may run");
    }

    @Test
    void allowedGlobalsOnlyWhereTheyBelong() throws Exception {
        // A storage class called directly, and a call of a storage class: refused, not constructed.
        byte[] p = new Fixtures.Pickle().global("torch", "FloatStorage").num(1_000_000_000L).op(0x85, 'R').stop();
        assertRefused(Fixtures.checkpoint(dir.resolve("storagecall.pth"), p, Map.of()), "persistent id");
        // _rebuild_tensor_v2 on something that is not a storage.
        p = new Fixtures.Pickle().global("torch._utils", "_rebuild_tensor_v2").mark().str("x").num(0)
                .longs(1).longs(1).tuple().op('R').stop();
        assertRefused(Fixtures.checkpoint(dir.resolve("notstorage.pth"), p, Map.of()), "needs (storage");
        // torch.storage._load_from_bytes (which would call torch.load on embedded bytes) stays a placeholder.
        p = new Fixtures.Pickle().global("torch.storage", "_load_from_bytes").op('C', 1, 'x', 0x85, 'R').stop();
        try (TorchCheckpoint ck = TorchCheckpoint.open(Fixtures.checkpoint(dir.resolve("lfb.pth"), p, Map.of()))) {
            assertEquals("torch.storage._load_from_bytes", ((PyObject) ck.data()).qualifiedName());
        }
        // Persistent id naming a storage type off the list.
        p = new Fixtures.Pickle().mark().str("storage").global("os", "system").str("0").str("cpu").num(1).tuple()
                .op('Q').stop();
        assertRefused(Fixtures.checkpoint(dir.resolve("badtype.pth"), p, Map.of("0", new byte[4])),
                "unsupported storage type os.system");
    }

    @Test
    void viewsOutsideTheirStorageAndOverflowingShapes() throws Exception {
        byte[] four = new byte[16];
        byte[] p = new Fixtures.Pickle().tensor("FloatStorage", "0", 4, 0, new long[] {1L << 62, 4}, new long[] {4, 1})
                .stop();
        assertRefused(Fixtures.checkpoint(dir.resolve("overflow.pth"), p, Map.of("0", four)), "overflow");
        p = new Fixtures.Pickle().tensor("FloatStorage", "0", 4, 2, new long[] {2, 2}, new long[] {2, 1}).stop();
        assertRefused(Fixtures.checkpoint(dir.resolve("outside.pth"), p, Map.of("0", four)), "reaches element 5");
        p = new Fixtures.Pickle().tensor("FloatStorage", "0", 4, 0, new long[] {2}, new long[] {-1}).stop();
        assertRefused(Fixtures.checkpoint(dir.resolve("negstride.pth"), p, Map.of("0", four)), "non-negative");
        // The pickle claims a storage of 10^12 floats; the entry holds 16 bytes: refused before any allocation.
        p = new Fixtures.Pickle().tensor("FloatStorage", "0", 1_000_000_000_000L, 0, new long[] {1000, 1000},
                new long[] {1_000_000, 1}).stop();
        assertRefused(Fixtures.checkpoint(dir.resolve("huge.pth"), p, Map.of("0", four)), "declares 16 bytes");
        p = new Fixtures.Pickle().tensor("FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}).stop();
        assertRefused(Fixtures.checkpoint(dir.resolve("nostorage.pth"), p, Map.of()), "is missing");
        // The same storage seen as two dtypes.
        p = new Fixtures.Pickle().mark().tensor("FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1})
                .tensor("HalfStorage", "0", 8, 0, new long[] {8}, new long[] {1}).op('l').stop();
        assertRefused(Fixtures.checkpoint(dir.resolve("twodtypes.pth"), p, Map.of("0", four)), "referenced as");
    }

    @Test
    void malformedPickles() throws Exception {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("without STOP", new byte[] {(byte) 0x80, 2, '}'});
        cases.put("unsupported pickle opcode", new byte[] {(byte) 0x80, 2, (byte) 0xff, '.'});
        cases.put("runs past the end", new byte[] {(byte) 0x80, 2, 'X', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        cases.put("stack underflow", new byte[] {(byte) 0x80, 2, 'R', '.'});
        cases.put("memo entry", new byte[] {(byte) 0x80, 2, 'j', 1, 2, 3, 4, '.'});
        cases.put("unhashable", new byte[] {(byte) 0x80, 2, '}', ']', 'N', 's', '.'});
        cases.put("not a list", new byte[] {(byte) 0x80, 2, 'N', 'N', 'a', '.'});
        cases.put("integer of", new byte[] {(byte) 0x80, 2, (byte) 0x8b, 0, 0, 0, 0x10, '.'});
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            Path f = Fixtures.checkpoint(dir.resolve("bad" + Math.abs(c.getKey().hashCode()) + ".pth"), c.getValue(),
                    Map.of());
            assertRefused(f, c.getKey());
        }
        // A list that contains itself, a dict that contains itself: fine to open, walk and summarise.
        byte[] p = new Fixtures.Pickle().op(']', 'q', 0, 'h', 0, 'a', '}', 'q', 1, 'X', 1, 0, 0, 0, 'k', 'h', 1, 's', 'a')
                .stop();
        try (TorchCheckpoint ck = TorchCheckpoint.open(Fixtures.checkpoint(dir.resolve("cycle.pth"), p, Map.of()))) {
            assertTrue(ck.tensors().isEmpty());
        }
    }

    @Test
    void zipEntriesWithDotDotOrAbsolutePaths() throws Exception {
        byte[] pkl = new Fixtures.Pickle().op('}').stop();
        for (String bad : new String[] {"../evil", "archive/../../evil", "/etc/evil", "archive\\..\\evil", "C:/evil"}) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put("archive/data.pkl", pkl);
            m.put(bad, new byte[] {1});
            Path f = Fixtures.zip(dir.resolve("dotdot.pth"), m, false);
            assertRefused(f, "absolute or '..' path");
        }
        assertFalse(Files.exists(dir.getParent().resolve("evil")));
    }

    @Test
    void zipBombs() throws Exception {
        // 64 MiB of a highly compressible pickle (deflated to ~64 KiB): refused from its declared ratio.
        byte[] big = new byte[64 << 20];
        big[0] = (byte) 0x80;
        big[1] = 2;
        Path bomb = Fixtures.zip(dir.resolve("bomb.pth"), Map.of("archive/data.pkl", big), true);
        assertTrue(Files.size(bomb) < 1 << 20);
        assertRefused(bomb, "zip bomb");
        // The same entry declaring a small size in both headers: reading stops at the declared size.
        byte[] zip = Files.readAllBytes(bomb);
        patchSizes(zip, 100);
        Path liar = dir.resolve("liar.pth");
        Files.write(liar, zip);
        WeightsException e = refused(liar);
        assertTrue(e.getMessage().contains("more than") || e.getMessage().contains("unreadable")
                || e.getMessage().contains("pickle"), e.getMessage());
        // A total-bytes cap below what the checkpoint needs.
        WeightsException cap = assertThrows(WeightsException.class,
                () -> TorchCheckpoint.open(Fixtures.path("plain.pth"), 100));
        assertTrue(cap.getMessage().contains("exceed the limit"), cap.getMessage());
    }

    /** Sets the uncompressed size in every local and central header of a one-entry zip. */
    private static void patchSizes(byte[] zip, int size) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= zip.length; i++) {
            int sig = b.getInt(i);
            if (sig == 0x04034b50) {
                b.putInt(i + 22, size);
            } else if (sig == 0x02014b50) {
                b.putInt(i + 24, size);
            } else if (sig == 0x08074b50) {
                b.putInt(i + 12, size);
            }
        }
    }

    @Test
    void safetensorsHeaders() throws Exception {
        ByteBuffer tenGb = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(10_000_000_000L)
                .put("{}      ".getBytes(StandardCharsets.US_ASCII));
        Path f = dir.resolve("tengb.safetensors");
        Files.write(f, tenGb.array());
        assertRefused(f, "header length 10000000000");
        assertRefused(st("overflow", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 4),
                "overflows");
        assertRefused(st("big", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1000000],\"data_offsets\":[0,4000000]}}", 4),
                "outside");
        assertRefused(st("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 16), "overlap");
        assertRefused(st("dup", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "Duplicate");
        assertRefused(st("offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[18446744073709551616,4]}}", 4),
                "64-bit");
        assertRefused(st("dtype", "{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype");
        assertRefused(st("deep", "{\"a\":" + "[".repeat(5000), 4), "JSON");
    }

    private Path st(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = dir.resolve(name + ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void truncatedAtEverySixtyFourth() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int refused = 0;
            for (Path src : fixtureFiles()) {
                byte[] all = Files.readAllBytes(src);
                for (int i = 0; i < 64; i++) {
                    int len = (int) ((long) all.length * i / 64);
                    Path f = dir.resolve("trunc-" + i + "-" + src.getFileName());
                    Files.write(f, java.util.Arrays.copyOf(all, len));
                    try {
                        readEverything(f);
                        fail(src.getFileName() + " truncated to " + len + " of " + all.length + " bytes was accepted");
                    } catch (WeightsException e) {
                        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
                        refused++;
                    }
                    Files.delete(f);
                }
            }
            assertEquals(64 * fixtureFiles().size(), refused);
        });
    }

    @Test
    void tenThousandSeededMutations() throws Exception {
        List<Path> sources = fixtureFiles();
        List<byte[]> originals = new ArrayList<>();
        for (Path p : sources) {
            originals.add(Files.readAllBytes(p));
        }
        int[] outcome = new int[2];
        long[] nanos = new long[originals.size()];
        Path[] mutantFile = new Path[1];
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            Random rnd = new Random(20251126L);
            // Memory-backed when the machine has one: 10,000 file writes cost more than the reads on a disk.
            Path shm = Path.of("/dev/shm");
            Path f = (Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "blurdm-mutants") : dir).resolve("mutant");
            mutantFile[0] = f;
            for (int i = 0; i < 10_000; i++) {
                int which = i % originals.size();
                byte[] m = originals.get(which).clone();
                int flips = 1 + rnd.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    int at = rnd.nextInt(m.length);
                    // Bias half the mutations towards the headers, where the structure lives.
                    if (rnd.nextBoolean()) {
                        at = rnd.nextInt(Math.min(m.length, 1024));
                    }
                    m[at] = switch (rnd.nextInt(4)) {
                        case 0 -> (byte) rnd.nextInt(256);
                        case 1 -> (byte) (m[at] ^ (1 << rnd.nextInt(8)));
                        case 2 -> (byte) 0xff;
                        default -> 0;
                    };
                }
                Files.write(f, m);
                long t0 = System.nanoTime();
                try {
                    readEverything(f);
                    outcome[0]++;
                } catch (WeightsException e) {
                    outcome[1]++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("mutation " + i + " of " + sources.get(which).getFileName()
                            + " threw " + e, e);
                } finally {
                    nanos[which] += System.nanoTime() - t0;
                }
            }
        });
        assertEquals(10_000, outcome[0] + outcome[1]);
        Files.deleteIfExists(mutantFile[0]);
        if (!mutantFile[0].getParent().equals(dir)) {
            Files.deleteIfExists(mutantFile[0].getParent());
        }
        assertTrue(outcome[1] > 100, "some mutations must be refused: " + outcome[1]);
        System.out.println("ms per source " + java.util.Arrays.toString(java.util.Arrays.stream(nanos).map(n -> n / 1_000_000).toArray()));
        System.out.printf("mutations: %d read, %d refused with WeightsException%n", outcome[0], outcome[1]);
    }
}

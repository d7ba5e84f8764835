package io.github.blurdm.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every tensor of every fixture read as PyTorch wrote it, byte for byte; the training dict's other entries. */
class TorchCheckpointTest {

    private static byte[] bytes(TensorData t) {
        ByteBuffer b = t.bytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    /** Zip-format fixtures, and (".legacy") the same objects saved in the pre-1.6 format. */
    @ParameterizedTest
    @ValueSource(strings = {"plain", "training", "dataparallel", "dtypes", "views", "plain.legacy",
        "training.legacy", "dtypes.legacy", "views.legacy"})
    void everyTensorMatchesPyTorch(String file) throws Exception {
        String name = file.replace(".legacy", "");
        try (TorchCheckpoint ck = TorchCheckpoint.open(Fixtures.path(file + ".pth"));
             SafetensorsFile expected = SafetensorsFile.open(Fixtures.path(name + ".expected.safetensors"))) {
            assertEquals(file.endsWith(".legacy"), ck.isLegacy(), file);
            Map<String, TorchTensor> found = ck.tensors();
            List<String> want = new ArrayList<>();
            for (String k : expected.keys()) {
                if (!k.endsWith("@f32")) {
                    want.add(k);
                }
            }
            assertEquals(want, new ArrayList<>(found.keySet()), name + ": tensor paths");
            for (String k : want) {
                TensorData e = expected.get(k);
                TensorData got = ck.read(k, found.get(k));
                assertEquals(e.dtype(), got.dtype(), k);
                assertArrayEquals(e.shape(), got.shape(), k);
                assertArrayEquals(bytes(e), bytes(got), name + ": " + k + " values");
                if (expected.contains(k + "@f32")) {
                    assertArrayEquals(expected.get(k + "@f32").toFloats(), got.toFloats(), k + " as float32");
                    assertArrayEquals(bytes(expected.get(k + "@f32")), bytes(got.toFloat32()), k + " toFloat32");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"training.pth", "training.legacy.pth"})
    void trainingCheckpointKeepsItsOtherEntriesAsInertValues(String file) throws Exception {
        try (TorchCheckpoint ck = TorchCheckpoint.open(Fixtures.path(file))) {
            Map<?, ?> d = assertInstanceOf(Map.class, ck.data());
            assertEquals(3L, d.get("epoch"));
            assertEquals(28.5, d.get("best_panr"));
            PyObject args = assertInstanceOf(PyObject.class, d.get("args"));
            assertEquals("argparse.Namespace", args.qualifiedName());
            Map<?, ?> state = assertInstanceOf(Map.class, args.state());
            assertEquals("MIMO-UNetPlus", state.get("model_name"));
            assertEquals(1e-4, state.get("learning_rate"));
            PyObject device = assertInstanceOf(PyObject.class, state.get("device"));
            assertEquals("torch.device", device.qualifiedName());
            assertEquals(List.of("cuda", 0L), new ArrayList<>(device.args()));
            Map<?, ?> opt = assertInstanceOf(Map.class, d.get("optimizer_state"));
            Map<?, ?> groups = assertInstanceOf(Map.class, ((List<?>) opt.get("param_groups")).get(0));
            assertEquals(1e-4, groups.get("lr"));
            assertEquals(List.of("model_state", "model_dm_state"), ck.stateDictKeys());
            WeightsException e = assertThrows(WeightsException.class, () -> ck.stateDict(null));
            assertTrue(e.getMessage().contains("model_state") && e.getMessage().contains("model_dm_state"), e.getMessage());
            StateDict dm = ck.stateDict("model_dm_state");
            assertEquals(DType.I64, dm.get("time_stamps_list").dtype());
            assertEquals(file + "[model_dm_state]", dm.source());
            assertThrows(WeightsException.class, () -> ck.stateDict("optimizer_state"));
        }
    }

    @Test
    void dataParallelPrefixStripsToThePlainStateDict() throws Exception {
        StateDict plain = StateDict.load(Fixtures.path("plain.pth"));
        StateDict dp = StateDict.load(Fixtures.path("dataparallel.pth"));
        assertTrue(dp.names().get(0).startsWith("module."));
        StateDict stripped = dp.stripPrefix("module.");
        assertEquals(plain.names(), stripped.names());
        for (String k : plain.names()) {
            assertArrayEquals(bytes(plain.get(k)), bytes(stripped.get(k)), k);
            assertEquals(k, stripped.get(k).name());
        }
        assertEquals(plain.parameterCount(), dp.parameterCount());
    }

    @Test
    void sharedStoragesAndViews() throws Exception {
        try (TorchCheckpoint ck = TorchCheckpoint.open(Fixtures.path("views.pth"))) {
            Map<String, TorchTensor> t = ck.tensors();
            assertEquals(t.get("shared_a").storageKey(), t.get("shared_b").storageKey());
            assertEquals(t.get("shared_a").storageKey(), t.get("shared_t").storageKey());
            assertEquals(5, t.get("shared_b").storageOffset());
            assertFalse(t.get("transposed").isContiguous());
            assertFalse(t.get("shared_t").isContiguous());
            assertNotEquals(0, t.get("sliced").storageOffset());
            assertTrue(t.get("param").requiresGrad());
            assertEquals(ByteOrder.LITTLE_ENDIAN, ck.byteOrder());
            assertEquals("views", ck.root());
        }
    }

    @Test
    void picklesThatAreNotStateDictCheckpointsAreRefused() {
        WeightsException e = assertThrows(WeightsException.class,
                () -> TorchCheckpoint.open(Fixtures.path("malicious.pkl")));
        assertTrue(e.getMessage().contains("malicious.pkl") && e.getMessage().contains("not a torch.save checkpoint")
                && e.getMessage().contains("_use_new_zipfile_serialization=True"), e.getMessage());
        e = assertThrows(WeightsException.class, () -> TorchCheckpoint.open(Fixtures.path("module.legacy.pth")));
        assertTrue(e.getMessage().contains("module.legacy.pth") && e.getMessage().contains("nn.Module")
                && e.getMessage().contains("state_dict()"), e.getMessage());
    }

    /** A damaged legacy file: each damage named, nothing read past the file. */
    @Test
    void damagedLegacyCheckpointsNameTheProblem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] good = java.nio.file.Files.readAllBytes(Fixtures.path("plain.legacy.pth"));
        java.util.function.BiFunction<String, byte[], String> message = (name, b) -> {
            java.nio.file.Path f = dir.resolve(name);
            try {
                java.nio.file.Files.write(f, b);
                try (TorchCheckpoint ck = TorchCheckpoint.open(f)) {
                    for (Map.Entry<String, TorchTensor> t : ck.tensors().entrySet()) {
                        ck.read(t.getKey(), t.getValue());
                    }
                }
                return "no error";
            } catch (WeightsException ex) {
                assertTrue(ex.getMessage().startsWith(f.toString()), ex.getMessage());
                return ex.getMessage();
            } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        };
        assertEquals("no error", message.apply("copy.pth", good));
        String m = message.apply("cut.pth", java.util.Arrays.copyOf(good, good.length - 5));
        assertTrue(m.contains("truncated"), m);
        m = message.apply("cut-early.pth", java.util.Arrays.copyOf(good, good.length / 2));
        assertTrue(m.contains("truncated"), m);
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 3);
        m = message.apply("longer.pth", longer);
        assertTrue(m.contains("3 bytes after the last storage"), m);
        // the first storage's element count, right after the key list: one more than the pickle says
        byte[] count = good.clone();
        int at = firstStorageCount(good);
        count[at]++;
        m = message.apply("count.pth", count);
        assertTrue(m.contains("elements but the pickle declares"), m);
        byte[] magic = good.clone();
        magic[6] ^= 1; // inside the magic number (PROTO 2, LONG1 of 10 bytes from byte 4)
        m = message.apply("magic.pth", magic);
        assertTrue(m.contains("not a torch.save checkpoint"), m);
    }

    /** Offset of the first storage's int64 element count in a legacy file: after its five pickles. */
    private static int firstStorageCount(byte[] file) throws WeightsException {
        int at = 0;
        for (int i = 0; i < 5; i++) {
            at = TorchUnpickler.readAt(file, at, "test").end();
        }
        return at;
    }

    @Test
    void bigEndianStoragesAreSwapped(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ByteBuffer be = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < 6; i++) {
            be.putFloat(i * 1.5f - 2);
        }
        byte[] p = new Fixtures.Pickle().op('}').str("w")
                .tensor("FloatStorage", "0", 6, 0, new long[] {3, 2}, new long[] {1, 3}).op('s').stop();
        Map<String, byte[]> m = new java.util.LinkedHashMap<>();
        m.put("archive/data.pkl", p);
        m.put("archive/byteorder", "big".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        m.put("archive/data/0", be.array());
        try (TorchCheckpoint ck = TorchCheckpoint.open(Fixtures.zip(dir.resolve("be.pth"), m, false))) {
            assertEquals(ByteOrder.BIG_ENDIAN, ck.byteOrder());
            // [3,2] with strides [1,3]: the transpose of a row-major [2,3].
            assertArrayEquals(new float[] {-2f, 2.5f, -0.5f, 4f, 1f, 5.5f}, ck.stateDict(null).get("w").toFloats());
        }
        m.put("archive/byteorder", "middle".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.nio.file.Path bad = Fixtures.zip(dir.resolve("mid.pth"), m, false);
        WeightsException e = assertThrows(WeightsException.class, () -> TorchCheckpoint.open(bad));
        assertTrue(e.getMessage().contains("byteorder"), e.getMessage());
    }

    @Test
    void formatDetection() throws Exception {
        assertEquals(WeightsFormat.TORCH_ZIP, WeightsFormat.detect(Fixtures.path("plain.pth")));
        assertEquals(WeightsFormat.TORCH_LEGACY, WeightsFormat.detect(Fixtures.path("plain.legacy.pth")));
        assertEquals(WeightsFormat.SAFETENSORS, WeightsFormat.detect(Fixtures.path("plain.expected.safetensors")));
    }
}

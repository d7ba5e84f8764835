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

    @ParameterizedTest
    @ValueSource(strings = {"plain", "training", "dataparallel", "dtypes", "views"})
    void everyTensorMatchesPyTorch(String name) throws Exception {
        try (TorchCheckpoint ck = TorchCheckpoint.open(Fixtures.path(name + ".pth"));
             SafetensorsFile expected = SafetensorsFile.open(Fixtures.path(name + ".expected.safetensors"))) {
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

    @Test
    void trainingCheckpointKeepsItsOtherEntriesAsInertValues() throws Exception {
        try (TorchCheckpoint ck = TorchCheckpoint.open(Fixtures.path("training.pth"))) {
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
            assertEquals("training.pth[model_dm_state]", dm.source());
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
    void legacyFormatIsRefusedWithHowToResave() {
        for (String f : new String[] {"legacy.pth", "malicious.pkl"}) {
            WeightsException e = assertThrows(WeightsException.class, () -> TorchCheckpoint.open(Fixtures.path(f)));
            assertTrue(e.getMessage().contains(f) && e.getMessage().contains("legacy")
                    && e.getMessage().contains("_use_new_zipfile_serialization=True"), e.getMessage());
        }
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
        assertEquals(WeightsFormat.TORCH_LEGACY, WeightsFormat.detect(Fixtures.path("legacy.pth")));
        assertEquals(WeightsFormat.SAFETENSORS, WeightsFormat.detect(Fixtures.path("plain.expected.safetensors")));
    }
}

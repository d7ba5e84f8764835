package io.github.blurdm.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Strict loading lists every missing, unexpected and mis-shaped name at once. */
class StateDictTest {

    private static Map<String, long[]> plainShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("feat.0.weight", new long[] {4, 3, 3, 3});
        m.put("feat.0.bias", new long[] {4});
        m.put("feat.2.weight", new long[] {4, 4, 1, 1});
        m.put("feat.2.bias", new long[] {4});
        m.put("up.weight", new long[] {4, 2, 4, 4});
        m.put("up.bias", new long[] {2});
        m.put("bn.weight", new long[] {2});
        m.put("bn.bias", new long[] {2});
        m.put("bn.running_mean", new long[] {2});
        m.put("bn.running_var", new long[] {2});
        m.put("bn.num_batches_tracked", new long[] {});
        m.put("kv.weight", new long[] {5, 6});
        return m;
    }

    @Test
    void strictAcceptsTheExactShapesInModelOrder() throws Exception {
        Map<String, long[]> want = plainShapes();
        Map<String, TensorData> got = StateDict.load(Fixtures.path("dataparallel.pth")).stripPrefix("module.")
                .strict(want);
        assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()));
        assertArrayEquals(new long[] {5, 6}, got.get("kv.weight").shape());
    }

    @Test
    void strictReportsEveryProblemAtOnce() throws Exception {
        Map<String, long[]> want = plainShapes();
        want.put("feat.0.weight", new long[] {4, 3, 5, 5});
        want.remove("kv.weight");
        want.put("conv_out.weight", new long[] {3, 4, 3, 3});
        StateDict sd = StateDict.load(Fixtures.path("plain.pth"));
        WeightsException e = assertThrows(WeightsException.class, () -> sd.strict(want));
        String m = e.getMessage();
        assertTrue(m.contains("3 name/shape mismatches"), m);
        assertTrue(m.contains("feat.0.weight: expected [4,3,5,5], found [4,3,3,3] in plain.pth"), m);
        assertTrue(m.contains("conv_out.weight: missing, expected [3,4,3,3] in plain.pth"), m);
        assertTrue(m.contains("kv.weight: unexpected [5,6] in plain.pth"), m);
        // Without stripping, every DataParallel name is both missing and unexpected.
        WeightsException dp = assertThrows(WeightsException.class,
                () -> StateDict.load(Fixtures.path("dataparallel.pth")).strict(plainShapes()));
        assertTrue(dp.getMessage().contains("24 name/shape mismatches"), dp.getMessage());
    }

    @Test
    void stripPrefixCollisionIsAnError() throws Exception {
        TensorData a = TensorData.ofFloats("module.w", new float[] {1}, 1);
        TensorData b = TensorData.ofFloats("w", new float[] {2}, 1);
        StateDict sd = StateDict.of("x.pth", Map.of("module.w", a, "w", b));
        assertThrows(WeightsException.class, () -> sd.stripPrefix("module."));
    }

    @Test
    void loadsSafetensorsAndConvertsToFloat32() throws Exception {
        StateDict sd = StateDict.load(Fixtures.path("dtypes.expected.safetensors"));
        StateDict f = sd.toFloat32();
        assertEquals(DType.F32, f.get("bf16").dtype());
        assertEquals(DType.I64, f.get("i64").dtype());
        assertArrayEquals(sd.get("bf16@f32").toFloats(), f.get("bf16").toFloats());
        assertThrows(WeightsException.class, () -> StateDict.load(Fixtures.path("plain.expected.safetensors"), "model"));
        assertThrows(WeightsException.class, () -> sd.get("nope"));
    }
}

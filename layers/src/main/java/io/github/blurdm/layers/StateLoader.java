package io.github.blurdm.layers;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.weights.StateDict;
import io.github.blurdm.weights.TensorData;
import io.github.blurdm.weights.WeightsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a module's parameters strictly by name from a {@link StateDict}: {@link StateDict#strict}
 * reports every missing, unexpected and mis-shaped tensor at once; then every non-finite value is
 * reported at once. Values are converted to float32 and uploaded to the backend; nothing is assigned
 * unless everything checks out.
 */
public final class StateLoader {
    private StateLoader() {
    }

    /** The module's parameter names and shapes, in registration order. */
    public static Map<String, long[]> expectedShapes(Module module) {
        Map<String, long[]> out = new LinkedHashMap<>();
        module.namedParameters().forEach((k, p) -> {
            int[] s = p.shape();
            long[] l = new long[s.length];
            for (int i = 0; i < s.length; i++) {
                l[i] = s[i];
            }
            out.put(k, l);
        });
        return out;
    }

    public static void load(Module module, StateDict state, Backend backend) throws WeightsException {
        Map<String, Parameter> params = module.namedParameters();
        Map<String, long[]> expected = expectedShapes(module);
        String mismatches = null;
        Map<String, TensorData> tensors;
        try {
            tensors = state.strict(expected);
        } catch (WeightsException e) {
            // keep going over the tensors that do fit, so non-finite values are reported in the same error
            mismatches = e.getMessage();
            tensors = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> x : expected.entrySet()) {
                if (state.contains(x.getKey()) && java.util.Arrays.equals(state.get(x.getKey()).shape(), x.getValue())) {
                    tensors.put(x.getKey(), state.get(x.getKey()));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            float[] v = e.getValue().toFloats();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    problems.add(e.getKey() + ": element " + i + " is " + v[i]);
                    break;
                }
            }
            values.put(e.getKey(), v);
        }
        if (mismatches != null || !problems.isEmpty()) {
            String nonFinite = problems.isEmpty() ? "" : (mismatches == null ? state.source() + ":" : "\n  and")
                    + " non-finite weights:\n  " + String.join("\n  ", problems);
            throw new WeightsException((mismatches == null ? "" : mismatches) + nonFinite);
        }
        values.forEach((k, v) -> {
            Parameter p = params.get(k);
            p.set(backend.upload(Tensor.of(v, p.shape())));
        });
    }
}

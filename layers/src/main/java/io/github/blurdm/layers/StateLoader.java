package io.github.blurdm.layers;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.TensorData;
import io.github.blurdm.weights.WeightsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Loads a module's parameters strictly by name from a safetensors file: every missing, unexpected,
 * mis-shaped or non-finite tensor is collected and reported at once in one {@link WeightsException}
 * ({@code conv1.weight: expected [64, 3, 3, 3], found [64, 3, 5, 5] in model.safetensors}). Values are
 * converted to float32 and uploaded to the backend. Nothing is assigned unless everything checks out.
 */
public final class StateLoader {
    private StateLoader() {
    }

    /**
     * @param prefix the keys' common prefix in the file ("" or e.g. "backbone."); keys in the file
     *               outside this prefix are ignored, keys inside it must all belong to the module
     */
    public static void load(Module module, SafetensorsFile file, String prefix, Backend backend)
            throws WeightsException {
        Map<String, Parameter> params = module.namedParameters();
        List<String> problems = new ArrayList<>();
        List<TensorData> found = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String key = prefix + e.getKey();
            if (!file.contains(key)) {
                problems.add(key + ": missing");
                continue;
            }
            long[] shape = file.shape(key);
            int[] want = e.getValue().shape();
            if (!sameShape(shape, want)) {
                problems.add(key + ": expected " + Arrays.toString(want) + ", found " + Arrays.toString(shape));
                continue;
            }
            found.add(file.get(key));
        }
        for (String key : file.keys()) {
            if (key.startsWith(prefix) && !params.containsKey(key.substring(prefix.length()))) {
                problems.add(key + ": unexpected");
            }
        }
        float[][] values = new float[found.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = found.get(i).toFloats();
            int bad = firstNonFinite(values[i]);
            if (bad >= 0) {
                problems.add(found.get(i).name() + ": element " + bad + " is " + values[i][bad]);
            }
        }
        if (!problems.isEmpty()) {
            throw new WeightsException(file.path() + ": " + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + " loading " + module.getClass().getSimpleName()
                    + (prefix.isEmpty() ? "" : " from '" + prefix + "*'") + ":\n  " + String.join("\n  ", problems));
        }
        for (int i = 0; i < values.length; i++) {
            String key = found.get(i).name().substring(prefix.length());
            Parameter p = params.get(key);
            p.set(backend.upload(Tensor.of(values[i], p.shape())));
        }
    }

    private static boolean sameShape(long[] file, int[] want) {
        if (file.length != want.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (file[i] != want[i]) {
                return false;
            }
        }
        return true;
    }

    private static int firstNonFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }
}

package io.github.blurdm.weights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ordered map from parameter names (PyTorch's attribute paths, {@code feat.0.weight}) to
 * tensors, from any supported file, with the checks a model needs before taking them:
 * {@link #strict(Map)} reports every missing, unexpected and mis-shaped name at once.
 *
 * <pre>{@code
 * StateDict sd = StateDict.load(Path.of("best.pth"), "model_state").stripPrefix("module.");
 * Map<String, TensorData> w = sd.strict(expectedShapes);
 * }</pre>
 * Immutable; safe to share between threads once built (the tensors' buffers are read-only views).
 */
public final class StateDict {
    private final String source;
    private final Map<String, TensorData> tensors;

    private StateDict(String source, Map<String, TensorData> tensors) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Wraps tensors read from {@code source} (a file name, used in messages). */
    public static StateDict of(String source, Map<String, TensorData> tensors) {
        return new StateDict(source, new LinkedHashMap<>(tensors));
    }

    /** {@link #load(Path, String)} with the key chosen automatically. */
    public static StateDict load(Path file) throws WeightsException {
        return load(file, null);
    }

    /**
     * Loads every tensor of a safetensors file (memory-mapped; {@code key} must be null), or the
     * state dict {@code key} of a PyTorch checkpoint (null: the only one there, see
     * {@link TorchCheckpoint#stateDict(String)}). The file is closed on return; mapped buffers stay valid.
     */
    public static StateDict load(Path file, String key) throws WeightsException {
        WeightsFormat f = WeightsFormat.detect(file);
        if (f == WeightsFormat.SAFETENSORS) {
            if (key != null && !key.isEmpty()) {
                throw new WeightsException(file + ": a safetensors file holds one state dict; no key '" + key + "'");
            }
            try (SafetensorsFile sf = SafetensorsFile.open(file)) {
                Map<String, TensorData> m = new LinkedHashMap<>();
                for (String k : sf.keys()) {
                    m.put(k, sf.get(k));
                }
                return new StateDict(String.valueOf(file.getFileName()), m);
            }
        }
        try (TorchCheckpoint ck = TorchCheckpoint.open(file)) {
            return ck.stateDict(key);
        }
    }

    /** Where the tensors came from, e.g. {@code last.pth[model_state]}. */
    public String source() {
        return source;
    }

    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    public Map<String, TensorData> tensors() {
        return tensors;
    }

    public int size() {
        return tensors.size();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorData get(String name) throws WeightsException {
        TensorData t = tensors.get(name);
        if (t == null) {
            throw new WeightsException(name + ": missing in " + source);
        }
        return t;
    }

    /** Total elements over all tensors. */
    public long parameterCount() {
        long n = 0;
        for (TensorData t : tensors.values()) {
            n += t.numel();
        }
        return n;
    }

    /**
     * Removes {@code prefix} from every name that starts with it (DataParallel's {@code module.});
     * two names becoming one is an error.
     */
    public StateDict stripPrefix(String prefix) throws WeightsException {
        if (prefix == null || prefix.isEmpty()) {
            return this;
        }
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            String k = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : e.getKey();
            if (out.put(k, e.getValue().withName(k)) != null) {
                throw new WeightsException(source + ": stripping '" + prefix + "' makes two tensors named '" + k + "'");
            }
        }
        return new StateDict(source, out);
    }

    /**
     * The tensors whose names start with {@code prefix}, with the prefix removed (one sub-model of a
     * file that holds several, e.g. {@code backbone.} and {@code prior.}).
     */
    public StateDict select(String prefix) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                String k = e.getKey().substring(prefix.length());
                out.put(k, e.getValue().withName(k));
            }
        }
        return new StateDict(source + (prefix.isEmpty() ? "" : "[" + prefix + "*]"), out);
    }

    /** Name to shape, in file order. */
    public Map<String, long[]> shapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.shape()));
        return out;
    }

    /** Floating tensors (F16, BF16, F64) converted to F32; integer and bool tensors unchanged. */
    public StateDict toFloat32() {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            TensorData t = e.getValue();
            out.put(e.getKey(), t.dtype().isFloatingPoint() ? t.toFloat32() : t);
        }
        return new StateDict(source, out);
    }

    /**
     * Checks the names and shapes against {@code expected} (name to shape, in the model's order)
     * and returns the tensors in that order. Every missing, unexpected and mis-shaped name is
     * listed in one exception, one line each, e.g.
     * {@code conv1.weight: expected [64,3,3,3], found [64,3,5,5] in model.safetensors}.
     */
    public Map<String, TensorData> strict(Map<String, long[]> expected) throws WeightsException {
        List<String> problems = new ArrayList<>();
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorData t = tensors.get(e.getKey());
            if (t == null) {
                problems.add(e.getKey() + ": missing, expected " + shape(e.getValue()) + " in " + source);
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                problems.add(e.getKey() + ": expected " + shape(e.getValue()) + ", found " + shape(t.shape())
                        + " in " + source);
            } else {
                out.put(e.getKey(), t);
            }
        }
        for (String k : tensors.keySet()) {
            if (!expected.containsKey(k)) {
                problems.add(k + ": unexpected " + shape(tensors.get(k).shape()) + " in " + source);
            }
        }
        if (!problems.isEmpty()) {
            throw new WeightsException(source + ": " + problems.size() + " name/shape mismatch"
                    + (problems.size() == 1 ? "" : "es") + ":\n  " + String.join("\n  ", problems));
        }
        return Collections.unmodifiableMap(out);
    }

    /** A shape as {@code [64,3,3,3]}. */
    public static String shape(long[] s) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : ",").append(s[i]);
        }
        return b.append(']').toString();
    }
}

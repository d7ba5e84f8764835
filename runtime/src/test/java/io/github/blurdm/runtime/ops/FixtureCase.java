package io.github.blurdm.runtime.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One PyTorch-generated case of an op's fixture: its inputs (in the order the {@code Backend} method
 * takes them), the expected output and the op's parameters. Immutable; every accessor returns copies,
 * so a case can be run any number of times. Thread-safe.
 */
public final class FixtureCase {
    private final Op op;
    private final String id;
    private final String label;
    private final JsonNode params;
    private final List<String> inputNames;
    private final Map<String, float[]> values;
    private final Map<String, int[]> shapes;
    private final String outputName;

    FixtureCase(Op op, String id, String label, JsonNode params, List<String> inputNames, String outputName,
                Map<String, float[]> values, Map<String, int[]> shapes) {
        this.op = op;
        this.id = id;
        this.label = label;
        this.params = params;
        this.inputNames = List.copyOf(inputNames);
        this.outputName = outputName;
        this.values = Map.copyOf(values);
        this.shapes = Map.copyOf(shapes);
    }

    public Op op() {
        return op;
    }

    /** The case id in the fixture file ({@code c3}). */
    public String id() {
        return id;
    }

    /** What the case covers, in words ("3x3 s2 p1, odd non-square"). */
    public String label() {
        return label;
    }

    /** The op's parameters as written by the generator (names as in weights/reference/README.md). */
    public JsonNode params() {
        return params.deepCopy();
    }

    /** Input names in call order ({@code x}, {@code weight}, {@code bias}); absent optional inputs are not listed. */
    public List<String> inputNames() {
        return inputNames;
    }

    public boolean hasInput(String name) {
        return inputNames.contains(name);
    }

    public int inputIndex(String name) {
        return inputNames.indexOf(name);
    }

    public int[] shape(String name) {
        int[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException(op.id() + " case " + id + ": no tensor '" + name + "'");
        }
        return s.clone();
    }

    public float[] values(String name) {
        shape(name);
        return values.get(name).clone();
    }

    /** A fresh host tensor holding a copy of the named input or output. */
    public Tensor tensor(String name) {
        return Tensor.of(values(name), shape(name));
    }

    /** Fresh host copies of every input, in call order. */
    public Tensor[] inputs() {
        Tensor[] t = new Tensor[inputNames.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = tensor(inputNames.get(i));
        }
        return t;
    }

    public int[] outShape() {
        return shape(outputName);
    }

    /** PyTorch's output. */
    public float[] expected() {
        return values(outputName);
    }

    private JsonNode param(String name) {
        JsonNode v = params.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalStateException(op.id() + " case " + id + ": fixture has no param '" + name + "' in "
                    + params);
        }
        return v;
    }

    public int intParam(String name) {
        return param(name).asInt();
    }

    public double doubleParam(String name) {
        return param(name).asDouble();
    }

    /** A float param; the generator writes float32 values, so the conversion is exact. */
    public float floatParam(String name) {
        return (float) param(name).asDouble();
    }

    public String stringParam(String name) {
        return param(name).asText();
    }

    /** The fused activation from params {@code activation} ("none", "relu", "leaky_relu", "gelu") and {@code slope}. */
    public Activation activation() {
        String a = params.has("activation") ? params.get("activation").asText() : "none";
        switch (a) {
            case "none":
                return Activation.NONE;
            case "relu":
                return Activation.RELU;
            case "gelu":
                return Activation.GELU;
            case "leaky_relu":
                return Activation.leakyRelu(floatParam("slope"));
            default:
                throw new IllegalStateException(op.id() + " case " + id + ": unknown activation '" + a + "'");
        }
    }

    /** Input shapes as ggml prints them: {@code x=[2,3,7,9],weight=[4,3,3,3]}. */
    public String shapesString() {
        StringBuilder sb = new StringBuilder();
        for (String n : inputNames) {
            sb.append(sb.length() == 0 ? "" : ",").append(n).append('=')
                    .append(Arrays.toString(shapes.get(n)).replace(" ", ""));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return op.id() + "/" + id + " (" + label + ")";
    }
}

package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The cases of one op and how to run them on any {@link Backend}: shared by the parity tests and the
 * benchmarks (runtime's test-jar). Each {@code <Name>Cases} class implements this once, as a
 * stateless singleton {@code INSTANCE}. Implementations are thread-safe.
 */
public interface OpCases {
    Op op();

    /** The PyTorch fixture's cases, in file order. */
    default List<FixtureCase> cases() {
        return Fixtures.load(op());
    }

    /**
     * Runs the op of case {@code c} on {@code b}: {@code out} has {@link FixtureCase#outShape()} and
     * {@code in} holds the case's inputs in call order, all on {@code b}'s device.
     */
    void run(Backend b, Tensor out, Tensor[] in, FixtureCase c);

    /** The same through the allocating helper of {@link Ops}. */
    Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c);

    /** Indices of the inputs that the output may alias (the Backend javadoc's "out may be x"). */
    default int[] inPlaceInputs() {
        return new int[0];
    }

    /** The op's parameters for the display name ({@code stride=2x2,pad=1x1}). */
    default String paramString(FixtureCase c) {
        StringBuilder sb = new StringBuilder();
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = c.params().fields();
                it.hasNext();) {
            Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
            sb.append(sb.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue().asText());
        }
        return sb.toString();
    }

    /** ggml-style display name: {@code CONV2D(x=[2,3,7,9],weight=[4,3,3,3],stride=2x2,v=cpu-vector)}. */
    default String name(FixtureCase c, String variant) {
        String p = paramString(c);
        return op().id().toUpperCase(java.util.Locale.ROOT) + "(" + c.shapesString() + (p.isEmpty() ? "" : "," + p)
                + ",v=" + variant + ") " + c.id() + ": " + c.label();
    }

    /** The named input of {@code in}, or null when the case has none (an absent bias). */
    static Tensor optional(Tensor[] in, FixtureCase c, String name) {
        int i = c.inputIndex(name);
        return i < 0 ? null : in[i];
    }
}

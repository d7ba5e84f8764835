package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#LINEAR}, from {@code fixtures/linear.safetensors}: linear: x [...,K], weight
 * [N,K][, bias]; ranks 1 to 3, fused relu, gelu, leaky_relu. Shared by {@link LinearTest} and the
 * benchmarks. Stateless; thread-safe.
 */
public final class LinearCases implements OpCases {
    public static final LinearCases INSTANCE = new LinearCases();

    private LinearCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.LINEAR;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.linear(out, in[0], in[1], OpCases.optional(in, c, "bias"), c.activation());
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.linear(in[0], in[1], OpCases.optional(in, c, "bias"), c.activation());
    }

    @Override
    public String paramString(FixtureCase c) {
        return "act=" + c.activation();
    }
}

package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#LEAKY_RELU}, from {@code fixtures/leaky_relu.safetensors}: leaky_relu: x,
 * any rank; slopes 0.1, 0.2, 0.01. Shared by {@link LeakyReluTest} and the benchmarks. Stateless;
 * thread-safe.
 */
public final class LeakyReluCases implements OpCases {
    public static final LeakyReluCases INSTANCE = new LeakyReluCases();

    private LeakyReluCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.LEAKY_RELU;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.leakyRelu(out, in[0], c.floatParam("slope"));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.leakyRelu(in[0], c.floatParam("slope"));
    }

    @Override
    public int[] inPlaceInputs() {
        return new int[] {0};
    }
}

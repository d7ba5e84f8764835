package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#RELU}, from {@code fixtures/relu.safetensors}: relu: x, any rank. Shared by
 * {@link ReluTest} and the benchmarks. Stateless; thread-safe.
 */
public final class ReluCases implements OpCases {
    public static final ReluCases INSTANCE = new ReluCases();

    private ReluCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.RELU;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.relu(out, in[0]);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.relu(in[0]);
    }

    @Override
    public int[] inPlaceInputs() {
        return new int[] {0};
    }
}

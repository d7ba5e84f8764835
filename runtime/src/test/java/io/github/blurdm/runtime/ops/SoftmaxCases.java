package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#SOFTMAX}, from {@code fixtures/softmax.safetensors}: softmax over the last
 * dim: ranks 1 to 4, large logits. Shared by {@link SoftmaxTest} and the benchmarks. Stateless; thread-safe.
 */
public final class SoftmaxCases implements OpCases {
    public static final SoftmaxCases INSTANCE = new SoftmaxCases();

    private SoftmaxCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.SOFTMAX;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.softmax(out, in[0]);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.softmax(in[0]);
    }

    @Override
    public int[] inPlaceInputs() {
        return new int[] {0};
    }
}

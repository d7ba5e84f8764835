package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#ADD}, from {@code fixtures/add.safetensors}: add: a, b of equal shapes.
 * Shared by {@link AddTest} and the benchmarks. Stateless; thread-safe.
 */
public final class AddCases implements OpCases {
    public static final AddCases INSTANCE = new AddCases();

    private AddCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.ADD;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.add(out, in[0], in[1]);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.add(in[0], in[1]);
    }

    @Override
    public int[] inPlaceInputs() {
        return new int[] {0, 1};
    }
}

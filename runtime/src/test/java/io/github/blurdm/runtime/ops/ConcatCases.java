package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#CONCAT}, from {@code fixtures/concat.safetensors}: concat: x0..x{count-1}
 * along channels. Shared by {@link ConcatTest} and the benchmarks. Stateless; thread-safe.
 */
public final class ConcatCases implements OpCases {
    public static final ConcatCases INSTANCE = new ConcatCases();

    private ConcatCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.CONCAT;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.concat(out, in);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.concat(in);
    }
}

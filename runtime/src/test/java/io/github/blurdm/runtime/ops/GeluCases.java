package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#GELU}, from {@code fixtures/gelu.safetensors}: gelu (exact erf): x, any
 * rank, one wide-range case. Shared by {@link GeluTest} and the benchmarks. Stateless; thread-safe.
 */
public final class GeluCases implements OpCases {
    public static final GeluCases INSTANCE = new GeluCases();

    private GeluCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.GELU;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.gelu(out, in[0]);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.gelu(in[0]);
    }

    @Override
    public int[] inPlaceInputs() {
        return new int[] {0};
    }
}

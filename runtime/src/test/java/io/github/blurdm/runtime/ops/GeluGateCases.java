package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#GELU_GATE}, from {@code fixtures/gelu_gate.safetensors}: GELU(x1) * x2 for the channel halves of x [N,2C,...] (F.gelu, exact erf): ranks 2 to 4, one channel, a wide-range case (x*6), an FFTformer shape. Shared by
 * {@link GeluGateTest} and the benchmarks. Stateless; thread-safe.
 */
public final class GeluGateCases implements OpCases {
    public static final GeluGateCases INSTANCE = new GeluGateCases();

    private GeluGateCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.GELU_GATE;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.geluGate(out, in[0]);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.geluGate(in[0]);
    }
}

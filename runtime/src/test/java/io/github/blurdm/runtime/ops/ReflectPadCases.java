package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#REFLECT_PAD}, from {@code fixtures/reflect_pad.safetensors}: reflect_pad: x
 * of rank 2, 3, 4; pads up to dim-1, asymmetric, zero. Shared by {@link ReflectPadTest} and the benchmarks.
 * Stateless; thread-safe.
 */
public final class ReflectPadCases implements OpCases {
    public static final ReflectPadCases INSTANCE = new ReflectPadCases();

    private ReflectPadCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.REFLECT_PAD;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.reflectPad(out, in[0], c.intParam("top"), c.intParam("bottom"), c.intParam("left"), c.intParam("right"));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.reflectPad(in[0], c.intParam("top"), c.intParam("bottom"), c.intParam("left"), c.intParam("right"));
    }
}

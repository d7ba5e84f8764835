package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#DCT2D}, from {@code fixtures/dct2d.safetensors}: forward and inverse
 * orthonormal 2-D DCT of each plane; odd sizes, 1-row, 1-column and 1x1 planes, batch 2, LoFormer's 48x48.
 * Shared by {@link Dct2dTest} and the benchmarks. Stateless; thread-safe.
 */
public final class Dct2dCases implements OpCases {
    public static final Dct2dCases INSTANCE = new Dct2dCases();

    private Dct2dCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.DCT2D;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.dct2d(out, in[0], c.intParam("inverse") != 0);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.dct2d(in[0], c.intParam("inverse") != 0);
    }
}

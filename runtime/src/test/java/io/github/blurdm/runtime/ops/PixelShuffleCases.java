package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#PIXEL_SHUFFLE}, from {@code fixtures/pixel_shuffle.safetensors}:
 * pixel_shuffle: x; r = 1, 2, 3, 4. Shared by {@link PixelShuffleTest} and the benchmarks. Stateless;
 * thread-safe.
 */
public final class PixelShuffleCases implements OpCases {
    public static final PixelShuffleCases INSTANCE = new PixelShuffleCases();

    private PixelShuffleCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.PIXEL_SHUFFLE;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.pixelShuffle(out, in[0], c.intParam("r"));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.pixelShuffle(in[0], c.intParam("r"));
    }
}

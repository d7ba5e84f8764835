package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#PIXEL_UNSHUFFLE}, from {@code fixtures/pixel_unshuffle.safetensors}:
 * pixel_unshuffle: x; r = 1, 2, 3, 4. Shared by {@link PixelUnshuffleTest} and the benchmarks. Stateless;
 * thread-safe.
 */
public final class PixelUnshuffleCases implements OpCases {
    public static final PixelUnshuffleCases INSTANCE = new PixelUnshuffleCases();

    private PixelUnshuffleCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.PIXEL_UNSHUFFLE;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.pixelUnshuffle(out, in[0], c.intParam("r"));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.pixelUnshuffle(in[0], c.intParam("r"));
    }
}

package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#UPSAMPLE_NEAREST2}, from {@code fixtures/upsample_nearest2.safetensors}:
 * upsample_nearest2: x [N,C,H,W], PyTorch nearest with scale_factor 2. Shared by {@link
 * UpsampleNearest2Test} and the benchmarks. Stateless; thread-safe.
 */
public final class UpsampleNearest2Cases implements OpCases {
    public static final UpsampleNearest2Cases INSTANCE = new UpsampleNearest2Cases();

    private UpsampleNearest2Cases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.UPSAMPLE_NEAREST2;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.upsampleNearest2(out, in[0]);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.upsampleNearest2(in[0]);
    }
}

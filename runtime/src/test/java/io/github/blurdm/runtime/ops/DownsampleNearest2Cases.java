package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#DOWNSAMPLE_NEAREST2}, from {@code fixtures/downsample_nearest2.safetensors}:
 * downsample_nearest2: x [N,C,H,W], PyTorch nearest with scale_factor 0.5 (odd sizes floor). Shared by
 * {@link DownsampleNearest2Test} and the benchmarks. Stateless; thread-safe.
 */
public final class DownsampleNearest2Cases implements OpCases {
    public static final DownsampleNearest2Cases INSTANCE = new DownsampleNearest2Cases();

    private DownsampleNearest2Cases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.DOWNSAMPLE_NEAREST2;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.downsampleNearest2(out, in[0]);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.downsampleNearest2(in[0]);
    }
}

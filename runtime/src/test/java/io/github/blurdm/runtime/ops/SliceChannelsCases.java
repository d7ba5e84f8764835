package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#SLICE_CHANNELS}, from {@code fixtures/slice_channels.safetensors}:
 * slice_channels: x; params start, count. Shared by {@link SliceChannelsTest} and the benchmarks. Stateless;
 * thread-safe.
 */
public final class SliceChannelsCases implements OpCases {
    public static final SliceChannelsCases INSTANCE = new SliceChannelsCases();

    private SliceChannelsCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.SLICE_CHANNELS;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.sliceChannels(out, in[0], c.intParam("start"));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.sliceChannels(in[0], c.intParam("start"), c.intParam("count"));
    }
}

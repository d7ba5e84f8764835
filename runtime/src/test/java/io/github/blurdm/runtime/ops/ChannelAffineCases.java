package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#CHANNEL_AFFINE}, from {@code fixtures/channel_affine.safetensors}:
 * channel_affine: x [N,C,...], scale [N,C], shift [N,C]. Shared by {@link ChannelAffineTest} and the
 * benchmarks. Stateless; thread-safe.
 */
public final class ChannelAffineCases implements OpCases {
    public static final ChannelAffineCases INSTANCE = new ChannelAffineCases();

    private ChannelAffineCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.CHANNEL_AFFINE;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.channelAffine(out, in[0], in[1], in[2]);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.channelAffine(in[0], in[1], in[2]);
    }

    @Override
    public int[] inPlaceInputs() {
        return new int[] {0};
    }
}

package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#WINDOW_CHANNEL_ATTENTION}, from {@code fixtures/window_channel_attention.safetensors}:
 * qkv [N,3C,H,W], temperature [heads], mlp weight [64,64] and bias [64]; one window, several windows and heads,
 * batch 2, sides reflect-padded to multiples of 8 (13x11, 20x9), heads of 20 channels. Shared by
 * {@link WindowChannelAttentionTest} and the benchmarks. Stateless; thread-safe.
 */
public final class WindowChannelAttentionCases implements OpCases {
    public static final WindowChannelAttentionCases INSTANCE = new WindowChannelAttentionCases();

    private WindowChannelAttentionCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.WINDOW_CHANNEL_ATTENTION;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.windowChannelAttention(out, in[0], in[1], in[2], in[3]);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.windowChannelAttention(in[0], in[1], in[2], in[3]);
    }
}

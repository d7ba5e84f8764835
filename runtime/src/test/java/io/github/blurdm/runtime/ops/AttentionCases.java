package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#ATTENTION}, from {@code fixtures/attention.safetensors}: softmax attention over
 * packed qkv [B,T,3F] (params heads, scale): intra-strip heads (d = 32, 16, 8, 5; T from 1 to 33) and
 * inter-strip ones (d = 288, 136, 130: few tokens, long vectors), large logits. Shared by {@link AttentionTest}
 * and the benchmarks. Stateless; thread-safe.
 */
public final class AttentionCases implements OpCases {
    public static final AttentionCases INSTANCE = new AttentionCases();

    private AttentionCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.ATTENTION;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.attention(out, in[0], c.intParam("heads"), c.floatParam("scale"));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.attention(in[0], c.intParam("heads"), c.floatParam("scale"));
    }
}

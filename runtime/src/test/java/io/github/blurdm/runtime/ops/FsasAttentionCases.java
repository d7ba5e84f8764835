package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#FSAS_ATTENTION}, from {@code fixtures/fsas_attention.safetensors}: v * LayerNorm_C(irfft2(rfft2(q) * rfft2(k))) per 8x8 patch by torch.fft, q, k, v [N,C,H,W], with and without the affine; one patch, batch 2, one channel, one patch row, an FFTformer shape. Shared by
 * {@link FsasAttentionTest} and the benchmarks. Stateless; thread-safe.
 */
public final class FsasAttentionCases implements OpCases {
    public static final FsasAttentionCases INSTANCE = new FsasAttentionCases();

    private FsasAttentionCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.FSAS_ATTENTION;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.fsasAttention(out, in[0], in[1], in[2], OpCases.optional(in, c, "weight"), OpCases.optional(in, c, "bias"), c.floatParam("eps"));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.fsasAttention(in[0], in[1], in[2], OpCases.optional(in, c, "weight"), OpCases.optional(in, c, "bias"), c.floatParam("eps"));
    }
}

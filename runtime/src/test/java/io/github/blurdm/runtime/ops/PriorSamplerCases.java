package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.PriorSamplerParams;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#PRIOR_SAMPLER}, from {@code fixtures/prior_sampler.safetensors}: cond
 * [N,L], optional noise [N,L] (absent: Philox noise from seed and stream0), two packed denoisers and the
 * spec's schedule. Shared by {@link PriorSamplerTest} and the benchmarks. Stateless; thread-safe.
 */
public final class PriorSamplerCases implements OpCases {
    public static final PriorSamplerCases INSTANCE = new PriorSamplerCases();

    private PriorSamplerCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.PRIOR_SAMPLER;
    }

    static PriorSamplerParams params(FixtureCase c) {
        return new PriorSamplerParams(c.intParam("latent"), c.intParam("denoiser_blocks"), c.intParam("steps"),
                c.params().get("seed").asLong(), c.params().get("stream0").asLong());
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.priorSampler(out, in[c.inputIndex("cond")], OpCases.optional(in, c, "noise"), in[c.inputIndex("noise_model")],
                in[c.inputIndex("lcr_model")], in[c.inputIndex("schedule")], params(c));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.priorSampler(in[c.inputIndex("cond")], OpCases.optional(in, c, "noise"),
                in[c.inputIndex("noise_model")], in[c.inputIndex("lcr_model")], in[c.inputIndex("schedule")], params(c));
    }

    @Override
    public String paramString(FixtureCase c) {
        return params(c) + (c.hasInput("noise") ? "" : ",philox(seed=" + c.params().get("seed").asLong() + ")");
    }
}

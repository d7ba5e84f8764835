package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#BIAS_FREE_LAYER_NORM}, from {@code fixtures/bias_free_layer_norm.safetensors}: FFTformer's BiasFree LayerNorm over channels, x / sqrt(var + eps) * weight (x not centred), in float64: ranks 2 to 4, one channel, inputs with a mean far from 0. Shared by
 * {@link BiasFreeLayerNormTest} and the benchmarks. Stateless; thread-safe.
 */
public final class BiasFreeLayerNormCases implements OpCases {
    public static final BiasFreeLayerNormCases INSTANCE = new BiasFreeLayerNormCases();

    private BiasFreeLayerNormCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.BIAS_FREE_LAYER_NORM;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.biasFreeLayerNorm(out, in[0], in[1], c.floatParam("eps"));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.biasFreeLayerNorm(in[0], in[1], c.floatParam("eps"));
    }

    @Override
    public int[] inPlaceInputs() {
        return new int[] {0};
    }
}

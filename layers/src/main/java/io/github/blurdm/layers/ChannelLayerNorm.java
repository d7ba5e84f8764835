package io.github.blurdm.layers;

import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * LayerNorm over the channels at each pixel of an NCHW map, as the Restormer family (FFTformer) writes it:
 * keys {@code body.weight} and, in the "WithBias" form, {@code body.bias}; eps 1e-5, biased variance. The
 * "BiasFree" form (weight only) divides x itself, not x minus its mean, by the standard deviation
 * ({@link io.github.blurdm.runtime.Op#BIAS_FREE_LAYER_NORM}).
 */
public final class ChannelLayerNorm extends Module {
    /** The eps of FFTformer's LayerNorms. */
    public static final float EPS = 1e-5f;

    private final Parameter weight;
    private final Parameter bias;

    /** @param withBias the WithBias form (weight and bias), else BiasFree (weight only, x not centred) */
    public ChannelLayerNorm(int channels, boolean withBias) {
        Body body = child("body", new Body());
        this.weight = body.param("weight", channels);
        this.bias = withBias ? body.param("bias", channels) : null;
    }

    /** The parameters' holder, named {@code body} as in PyTorch (its params are registered from here: same package). */
    private static final class Body extends Module {
    }

    public boolean withBias() {
        return bias != null;
    }

    /** The weight [C] (loaded). */
    public Tensor weight() {
        return weight.value();
    }

    /** The bias [C], or null in the BiasFree form. */
    public Tensor bias() {
        return bias == null ? null : bias.value();
    }

    public Tensor forward(Ops ops, Tensor x) {
        return bias != null ? ops.layerNorm(x, weight.value(), bias.value(), EPS)
                : ops.biasFreeLayerNorm(x, weight.value(), EPS);
    }
}

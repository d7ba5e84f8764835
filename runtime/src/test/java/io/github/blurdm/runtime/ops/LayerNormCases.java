package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#LAYER_NORM}, from {@code fixtures/layer_norm.safetensors}: layer_norm over
 * channels: x [N,C,...][, weight, bias]; ranks 2 to 4, with and without affine. Shared by {@link
 * LayerNormTest} and the benchmarks. Stateless; thread-safe.
 */
public final class LayerNormCases implements OpCases {
    public static final LayerNormCases INSTANCE = new LayerNormCases();

    private LayerNormCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.LAYER_NORM;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.layerNorm(out, in[0], OpCases.optional(in, c, "weight"), OpCases.optional(in, c, "bias"),
                c.floatParam("eps"));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.layerNorm(in[0], OpCases.optional(in, c, "weight"), OpCases.optional(in, c, "bias"),
                c.floatParam("eps"));
    }
}

package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#DEPTHWISE_CONV2D}, from {@code fixtures/depthwise_conv2d.safetensors}: depthwise k x k (k = 1, 3, 5), stride 1, padding k/2, with and without bias, against F.conv2d with groups = C: 1x1, one-row and one-column maps, batch 2, an FFTformer shape. Shared by
 * {@link DepthwiseConv2dTest} and the benchmarks. Stateless; thread-safe.
 */
public final class DepthwiseConv2dCases implements OpCases {
    public static final DepthwiseConv2dCases INSTANCE = new DepthwiseConv2dCases();

    private DepthwiseConv2dCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.DEPTHWISE_CONV2D;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.depthwiseConv2d(out, in[0], in[1], OpCases.optional(in, c, "bias"));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.depthwiseConv2d(in[0], in[1], OpCases.optional(in, c, "bias"));
    }
}

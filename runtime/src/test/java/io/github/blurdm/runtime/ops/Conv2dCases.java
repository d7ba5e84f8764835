package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#CONV2D}, from {@code fixtures/conv2d.safetensors}: conv2d: x, weight[,
 * bias]; 3x3/1x1/5x5/7x7, strides, groups, depthwise, dilation, fused activations. Shared by {@link
 * Conv2dTest} and the benchmarks. Stateless; thread-safe.
 */
public final class Conv2dCases implements OpCases {
    public static final Conv2dCases INSTANCE = new Conv2dCases();

    private Conv2dCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.CONV2D;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.conv2d(out, in[0], in[1], OpCases.optional(in, c, "bias"), params(c));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.conv2d(in[0], in[1], OpCases.optional(in, c, "bias"), params(c));
    }

    /** The case's parameters as the backend takes them. */
    public static Conv2dParams params(FixtureCase c) {
        return new Conv2dParams(c.intParam("stride_h"), c.intParam("stride_w"), c.intParam("pad_h"),
                c.intParam("pad_w"), c.intParam("dilation_h"), c.intParam("dilation_w"), c.intParam("groups"),
                c.activation());
    }

    @Override
    public String paramString(FixtureCase c) {
        return params(c).toString();
    }
}

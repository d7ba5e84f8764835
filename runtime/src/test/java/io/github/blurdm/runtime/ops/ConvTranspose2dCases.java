package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#CONV_TRANSPOSE2D}, from {@code fixtures/conv_transpose2d.safetensors}:
 * conv_transpose2d: x, weight[, bias]; MIMO's 4x4 s2 p1 plus output padding, groups, dilation, stride 3.
 * Shared by {@link ConvTranspose2dTest} and the benchmarks. Stateless; thread-safe.
 */
public final class ConvTranspose2dCases implements OpCases {
    public static final ConvTranspose2dCases INSTANCE = new ConvTranspose2dCases();

    private ConvTranspose2dCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.CONV_TRANSPOSE2D;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.convTranspose2d(out, in[0], in[1], OpCases.optional(in, c, "bias"), params(c));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.convTranspose2d(in[0], in[1], OpCases.optional(in, c, "bias"), params(c));
    }

    /** The case's parameters as the backend takes them. */
    public static ConvTranspose2dParams params(FixtureCase c) {
        return new ConvTranspose2dParams(c.intParam("stride_h"), c.intParam("stride_w"), c.intParam("pad_h"),
                c.intParam("pad_w"), c.intParam("out_pad_h"), c.intParam("out_pad_w"), c.intParam("dilation_h"),
                c.intParam("dilation_w"), c.intParam("groups"), c.activation());
    }

    @Override
    public String paramString(FixtureCase c) {
        return params(c).toString();
    }
}

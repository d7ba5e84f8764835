package io.github.blurdm.layers;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.Arrays;

/** nn.Conv2d: {@code weight [Cout, Cin/groups, k, k]}, optional {@code bias [Cout]}, zero padding. */
public final class Conv2d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final Conv2dParams params;

    public Conv2d(int cin, int cout, int k, int stride, int pad, boolean bias) {
        this(cin, cout, k, Conv2dParams.of(stride, pad), bias);
    }

    public Conv2d(int cin, int cout, int k, Conv2dParams p, boolean bias) {
        if (cin % p.groups() != 0 || cout % p.groups() != 0) {
            throw new IllegalArgumentException("Conv2d: groups " + p.groups() + " must divide " + cin + " and " + cout);
        }
        this.weight = param("weight", cout, cin / p.groups(), k, k);
        this.bias = bias ? param("bias", cout) : null;
        this.params = p;
    }

    /** conv(x) + bias, then {@code act} fused into the same op. */
    public Tensor forward(Ops ops, Tensor x, Activation act) {
        return ops.conv2d(x, weight.value(), bias == null ? null : bias.value(), params.withActivation(act));
    }

    public Tensor forward(Ops ops, Tensor x) {
        return forward(ops, x, params.activation());
    }

    /**
     * What input channels {@code [inStart, inStart + x.C)} alone contribute: the conv with the matching slice
     * of the weight, plus the bias only if {@code withBias}, no activation. The conv of a concatenation is the
     * sum of its pieces' contributions (with the bias once), which lets a caller convolve each piece where it
     * is cheapest (e.g. before an upsampling that commutes with a 1x1 conv). Ungrouped convs only.
     */
    public Tensor forwardInputChannels(Ops ops, Tensor x, int inStart, boolean withBias) {
        int cin = weight.shape()[1];
        if (params.groups() != 1) {
            throw new IllegalArgumentException("Conv2d.forwardInputChannels: grouped conv (groups " + params.groups()
                    + ")");
        }
        if (x.rank() != 4 || inStart < 0 || inStart + x.dim(1) > cin) {
            throw new IllegalArgumentException("Conv2d.forwardInputChannels: input " + Arrays.toString(x.shape())
                    + " from channel " + inStart + " does not fit the weight's " + cin + " input channels");
        }
        Tensor w = x.dim(1) == cin ? weight.value() : ops.sliceChannels(weight.value(), inStart, x.dim(1));
        try {
            return ops.conv2d(x, w, withBias && bias != null ? bias.value() : null,
                    params.withActivation(Activation.NONE));
        } finally {
            if (w != weight.value()) {
                ops.release(w);
            }
        }
    }

    public int outChannels() {
        return weight.shape()[0];
    }

    /**
     * The output channels {@code ranges} (pairs start, count, in order) alone: the conv with those rows of the
     * weight (and of the bias) gathered, {@code act} fused. Lets a caller run a wide conv a slice of its outputs
     * at a time (FFTformer's DFFN, whose 2 hidden channels at full resolution do not all need to exist at once).
     * Ungrouped convs only.
     */
    public Tensor forwardOutputChannels(Ops ops, Tensor x, Activation act, int... ranges) {
        if (params.groups() != 1 || ranges.length % 2 != 0) {
            throw new IllegalArgumentException("Conv2d.forwardOutputChannels: ungrouped conv and (start, count) pairs "
                    + "expected, found groups " + params.groups() + ", " + Arrays.toString(ranges));
        }
        int[] s = weight.shape();
        Tensor w = OutputRows.gather(ops, weight.value().reshape(1, s[0], s[1] * s[2] * s[3]), ranges);
        Tensor b = bias == null ? null : OutputRows.gather(ops, bias.value().reshape(1, s[0]), ranges);
        int count = w.dim(1);
        try {
            return ops.conv2d(x, w.reshape(count, s[1], s[2], s[3]), b == null ? null : b.reshape(count),
                    params.withActivation(act));
        } finally {
            ops.release(w, b);
        }
    }
}

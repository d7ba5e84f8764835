package io.github.blurdm.layers;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

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

    public int outChannels() {
        return weight.shape()[0];
    }
}

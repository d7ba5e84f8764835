package io.github.blurdm.layers;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/** nn.Linear: {@code weight [out, in]}, optional {@code bias [out]}. */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int in, int out, boolean bias) {
        this.weight = param("weight", out, in);
        this.bias = bias ? param("bias", out) : null;
    }

    public Tensor forward(Ops ops, Tensor x, Activation act) {
        return ops.linear(x, weight.value(), bias == null ? null : bias.value(), act);
    }

    /** The weight [out, in] (loaded). */
    public Tensor weight() {
        return weight.value();
    }

    /** The bias [out], or null when the layer has none. */
    public Tensor bias() {
        return bias == null ? null : bias.value();
    }

    public Tensor forward(Ops ops, Tensor x) {
        return forward(ops, x, Activation.NONE);
    }
}

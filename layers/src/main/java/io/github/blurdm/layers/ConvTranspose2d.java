package io.github.blurdm.layers;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/** nn.ConvTranspose2d: {@code weight [Cin, Cout/groups, k, k]}, optional {@code bias [Cout]}. */
public final class ConvTranspose2d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final ConvTranspose2dParams params;

    public ConvTranspose2d(int cin, int cout, int k, int stride, int pad, boolean bias) {
        this.weight = param("weight", cin, cout, k, k);
        this.bias = bias ? param("bias", cout) : null;
        this.params = ConvTranspose2dParams.of(stride, pad);
    }

    public Tensor forward(Ops ops, Tensor x, Activation act) {
        return ops.convTranspose2d(x, weight.value(), bias == null ? null : bias.value(), params.withActivation(act));
    }
}

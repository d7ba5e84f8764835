package io.github.blurdm.layers;

import io.github.blurdm.runtime.Activation;

/** A parameter-free activation member (nn.ReLU, nn.LeakyReLU, nn.GELU), kept for PyTorch's indices. */
public final class Act extends Module {
    private final Activation activation;

    public Act(Activation activation) {
        this.activation = activation;
    }

    public Activation activation() {
        return activation;
    }
}

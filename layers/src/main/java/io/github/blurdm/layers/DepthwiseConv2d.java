package io.github.blurdm.layers;

import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * nn.Conv2d(C, C, k, padding=k/2, groups=C): {@code weight [C, 1, k, k]} (k odd), optional {@code bias [C]},
 * stride 1; runs as {@link io.github.blurdm.runtime.Op#DEPTHWISE_CONV2D}.
 */
public final class DepthwiseConv2d extends Module {
    private final Parameter weight;
    private final Parameter bias;

    public DepthwiseConv2d(int channels, int k, boolean bias) {
        if (k % 2 == 0) {
            throw new IllegalArgumentException("DepthwiseConv2d: kernel size must be odd, got " + k);
        }
        this.weight = param("weight", channels, 1, k, k);
        this.bias = bias ? param("bias", channels) : null;
    }

    public Tensor forward(Ops ops, Tensor x) {
        return ops.depthwiseConv2d(x, weight.value(), bias == null ? null : bias.value());
    }

    /**
     * The channels {@code ranges} (pairs start, count, in order) of this conv, on an x that holds just those
     * channels: the taps (and biases) of those channels gathered.
     */
    public Tensor forwardChannels(Ops ops, Tensor x, int... ranges) {
        int[] s = weight.shape();
        Tensor w = OutputRows.gather(ops, weight.value().reshape(1, s[0], s[2] * s[3]), ranges);
        Tensor b = bias == null ? null : OutputRows.gather(ops, bias.value().reshape(1, s[0]), ranges);
        try {
            return ops.depthwiseConv2d(x, w.reshape(w.dim(1), 1, s[2], s[3]), b == null ? null : b.reshape(w.dim(1)));
        } finally {
            ops.release(w, b);
        }
    }
}

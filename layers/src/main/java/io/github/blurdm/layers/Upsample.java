package io.github.blurdm.layers;

import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * nn.Upsample(scale_factor=s, mode='bilinear', align_corners=False): no parameters, kept as a member so the
 * modules after it keep PyTorch's indices (FFTformer's {@code down1_2.body.1}).
 */
public final class Upsample extends Module {
    private final double scale;

    public Upsample(double scale) {
        this.scale = scale;
    }

    public Tensor forward(Ops ops, Tensor x) {
        return ops.resizeBilinear(x, scale);
    }
}

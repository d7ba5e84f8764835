package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/**
 * bias_free_layer_norm over channels of x [N,C,...] (FFTformer's BiasFree LayerNorm): out = x / sqrt(var + eps)
 * * weight[c], x not centred, var the biased variance over C. The scalar reference is layer_norm's loop
 * ({@link LayerNormCpu}) without the centring and the bias.
 */
public final class BiasFreeLayerNormCpu {
    private BiasFreeLayerNormCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#biasFreeLayerNorm} on the CPU: the scalar reference loop. */
    public static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, float eps) {
        LayerNormCpu.normalise(par, out, x, weight, null, eps, false);
    }
}

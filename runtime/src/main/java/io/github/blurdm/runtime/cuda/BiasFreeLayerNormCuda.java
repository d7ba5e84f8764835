package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;

/**
 * bias_free_layer_norm over channels of x [N,C,...] (out = x / sqrt(var + eps) * weight): launcher for norm.cu's
 * bias_free_layer_norm_v1/v2, the same two schemes and launch shapes as {@link LayerNormCuda}.
 */
final class BiasFreeLayerNormCuda {
    /** v2 by design, as layer_norm; not yet timed on a GPU. */
    static final int DEFAULT_VERSION = LayerNormCuda.DEFAULT_VERSION;
    static final int VERSIONS = LayerNormCuda.VERSIONS;

    private BiasFreeLayerNormCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, Tensor weight, float eps) {
        LayerNormCuda.run(b, version, "bias_free_layer_norm", out, x, weight, null, false, eps);
    }
}

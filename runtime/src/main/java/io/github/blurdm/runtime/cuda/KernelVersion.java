package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Op;

/**
 * Which kernel version an op runs: the backend's per-op override ({@link CudaBackend#useVersion}),
 * else the system property {@code blurdm.kernel.<op id>}, else the launcher's DEFAULT_VERSION.
 */
final class KernelVersion {
    private KernelVersion() {
    }

    static int pick(CudaBackend b, Op op, int defaultVersion, int versions) {
        Integer forced = b.forcedVersion(op);
        if (forced != null) {
            return check(op, forced, versions, "CudaBackend.useVersion");
        }
        String s = System.getProperty("blurdm.kernel." + op.id());
        if (s != null && !s.isBlank()) {
            try {
                return check(op, Integer.parseInt(s.trim()), versions, "-Dblurdm.kernel." + op.id());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-Dblurdm.kernel." + op.id() + " must be a version number 1.."
                        + versions + ", got '" + s + "'");
            }
        }
        return defaultVersion;
    }

    private static int check(Op op, int v, int versions, String from) {
        if (v < 1 || v > versions) {
            throw new IllegalArgumentException(from + ": " + op.id() + " has kernel versions 1.." + versions + ", got " + v);
        }
        return v;
    }

    /** Number of kernel versions of {@code op} (what parity tests iterate over). */
    static int versions(Op op) {
        switch (op) {
            case CONV2D: return Conv2dCuda.VERSIONS;
            case CONV_TRANSPOSE2D: return ConvTranspose2dCuda.VERSIONS;
            case RELU: return ReluCuda.VERSIONS;
            case LEAKY_RELU: return LeakyReluCuda.VERSIONS;
            case GELU: return GeluCuda.VERSIONS;
            case ADD: return AddCuda.VERSIONS;
            case MUL: return MulCuda.VERSIONS;
            case CHANNEL_AFFINE: return ChannelAffineCuda.VERSIONS;
            case LINEAR: return LinearCuda.VERSIONS;
            case LAYER_NORM: return LayerNormCuda.VERSIONS;
            case GLOBAL_AVG_POOL: return GlobalAvgPoolCuda.VERSIONS;
            case SOFTMAX: return SoftmaxCuda.VERSIONS;
            case ATTENTION: return AttentionCuda.VERSIONS;
            case PERMUTE: return PermuteCuda.VERSIONS;
            case DCT2D: return Dct2dCuda.VERSIONS;
            case WINDOW_CHANNEL_ATTENTION: return WindowChannelAttentionCuda.VERSIONS;
            case PATCH_FFT_FILTER: return PatchFftFilterCuda.VERSIONS;
            case FSAS_ATTENTION: return FsasAttentionCuda.VERSIONS;
            case DEPTHWISE_CONV2D: return DepthwiseConv2dCuda.VERSIONS;
            case GELU_GATE: return GeluGateCuda.VERSIONS;
            case BIAS_FREE_LAYER_NORM: return BiasFreeLayerNormCuda.VERSIONS;
            default: return 1;
        }
    }

    /** The version {@code op} runs when nothing overrides it (its launcher's DEFAULT_VERSION). */
    static int defaultVersion(Op op) {
        switch (op) {
            case CONV2D: return Conv2dCuda.DEFAULT_VERSION;
            case CONV_TRANSPOSE2D: return ConvTranspose2dCuda.DEFAULT_VERSION;
            case RELU: return ReluCuda.DEFAULT_VERSION;
            case LEAKY_RELU: return LeakyReluCuda.DEFAULT_VERSION;
            case GELU: return GeluCuda.DEFAULT_VERSION;
            case ADD: return AddCuda.DEFAULT_VERSION;
            case MUL: return MulCuda.DEFAULT_VERSION;
            case CHANNEL_AFFINE: return ChannelAffineCuda.DEFAULT_VERSION;
            case LINEAR: return LinearCuda.DEFAULT_VERSION;
            case LAYER_NORM: return LayerNormCuda.DEFAULT_VERSION;
            case GLOBAL_AVG_POOL: return GlobalAvgPoolCuda.DEFAULT_VERSION;
            case SOFTMAX: return SoftmaxCuda.DEFAULT_VERSION;
            case ATTENTION: return AttentionCuda.DEFAULT_VERSION;
            case PERMUTE: return PermuteCuda.DEFAULT_VERSION;
            case DCT2D: return Dct2dCuda.DEFAULT_VERSION;
            case WINDOW_CHANNEL_ATTENTION: return WindowChannelAttentionCuda.DEFAULT_VERSION;
            case PATCH_FFT_FILTER: return PatchFftFilterCuda.DEFAULT_VERSION;
            case FSAS_ATTENTION: return FsasAttentionCuda.DEFAULT_VERSION;
            case DEPTHWISE_CONV2D: return DepthwiseConv2dCuda.DEFAULT_VERSION;
            case GELU_GATE: return GeluGateCuda.DEFAULT_VERSION;
            case BIAS_FREE_LAYER_NORM: return BiasFreeLayerNormCuda.DEFAULT_VERSION;
            default: return 1;
        }
    }
}

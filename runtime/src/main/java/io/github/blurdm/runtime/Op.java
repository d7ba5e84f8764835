package io.github.blurdm.runtime;

/**
 * Every op a {@link Backend} runs, declared once. Each op's id names its four artefacts: the CPU
 * reference ({@code cpu/<Name>Cpu.java}), the CUDA kernel and launcher, the parity test with its
 * cases ({@code <Name>Test}, {@code <Name>Cases}) and the benchmark ({@code <Name>Bench}), plus
 * the fixtures in {@code fixtures/<id>.safetensors}. {@code OpCatalogueTest} checks that they exist.
 */
public enum Op {
    /** Convolution, zero padding, groups, dilation, fused bias and activation. */
    CONV2D("conv2d", "Conv2d"),
    /** Transposed convolution (PyTorch's ConvTranspose2d), fused bias and activation. */
    CONV_TRANSPOSE2D("conv_transpose2d", "ConvTranspose2d"),
    /** max(x, 0). */
    RELU("relu", "Relu"),
    /** x >= 0 ? x : slope * x. */
    LEAKY_RELU("leaky_relu", "LeakyRelu"),
    /** The exact (erf) GELU. */
    GELU("gelu", "Gelu"),
    /** Elementwise a + b. */
    ADD("add", "Add"),
    /** Elementwise a * b. */
    MUL("mul", "Mul"),
    /** x * scale[n,c] + shift[n,c] per channel. */
    CHANNEL_AFFINE("channel_affine", "ChannelAffine"),
    /** Concatenation along channels. */
    CONCAT("concat", "Concat"),
    /** A contiguous range of channels. */
    SLICE_CHANNELS("slice_channels", "SliceChannels"),
    /** Nearest-neighbour downsampling by 2 (every second pixel). */
    DOWNSAMPLE_NEAREST2("downsample_nearest2", "DownsampleNearest2"),
    /** Nearest-neighbour upsampling by 2. */
    UPSAMPLE_NEAREST2("upsample_nearest2", "UpsampleNearest2"),
    /** Bilinear resize, align_corners=False. */
    RESIZE_BILINEAR("resize_bilinear", "ResizeBilinear"),
    /** Space to channels by a factor r. */
    PIXEL_UNSHUFFLE("pixel_unshuffle", "PixelUnshuffle"),
    /** Channels to space by a factor r. */
    PIXEL_SHUFFLE("pixel_shuffle", "PixelShuffle"),
    /** Reflection padding of the last two dimensions. */
    REFLECT_PAD("reflect_pad", "ReflectPad"),
    /** Mean over the spatial dimensions: [N,C,H,W] to [N,C]. */
    GLOBAL_AVG_POOL("global_avg_pool", "GlobalAvgPool"),
    /** x W^T + b over the last dimension, fused activation. */
    LINEAR("linear", "Linear"),
    /** Layer normalisation over channels at each pixel, optional affine. */
    LAYER_NORM("layer_norm", "LayerNorm"),
    /** Softmax over the last dimension. */
    SOFTMAX("softmax", "Softmax"),
    /** The BlurDM prior's fused reverse diffusion sampler. */
    PRIOR_SAMPLER("prior_sampler", "PriorSampler"),
    /** Scaled dot-product attention with a fused softmax over packed [q | k | v] tokens, heads contiguous. */
    ATTENTION("attention", "Attention"),
    /** A permutation of the dimensions (PyTorch's {@code x.permute(dims).contiguous()}). */
    PERMUTE("permute", "Permute"),
    /** LoFormer's orthonormal 2-D DCT-II of each whole (n, c) plane, or its inverse: matrix products with the basis. */
    DCT2D("dct2d", "Dct2d"),
    /** LoFormer's window channel attention: per 8x8 window and head softmax(q k^T t) v, gated by GELU(Linear_64(v)). */
    WINDOW_CHANNEL_ATTENTION("window_channel_attention", "WindowChannelAttention"),
    /** FFTformer's DFFN filter: irfft2(rfft2(8x8 patch) * filter[c]) per channel. */
    PATCH_FFT_FILTER("patch_fft_filter", "PatchFftFilter"),
    /** FFTformer's FSAS core: v * LayerNorm(irfft2(rfft2(q) * rfft2(k))) per 8x8 patch, fused. */
    FSAS_ATTENTION("fsas_attention", "FsasAttention"),
    /** Depthwise k x k convolution (k odd), stride 1, zero padding k/2, optional bias. */
    DEPTHWISE_CONV2D("depthwise_conv2d", "DepthwiseConv2d"),
    /** GELU(x1) * x2 for the two channel halves of x. */
    GELU_GATE("gelu_gate", "GeluGate"),
    /** FFTformer's BiasFree LayerNorm over channels: x / sqrt(var + eps) * weight (x not centred). */
    BIAS_FREE_LAYER_NORM("bias_free_layer_norm", "BiasFreeLayerNorm");

    private final String id;
    private final String className;

    Op(String id, String className) {
        this.id = id;
        this.className = className;
    }

    /** Lower-case name used in file names, fixtures, logs and kernel overrides. */
    public String id() {
        return id;
    }

    /** Camel-case stem of the op's classes ({@code Conv2dCpu}, {@code Conv2dTest}, ...). */
    public String className() {
        return className;
    }

    @Override
    public String toString() {
        return id;
    }
}

package io.github.blurdm.runtime;

/**
 * Every op a {@link Backend} runs, declared once. Each op's id names its four artefacts: the CPU
 * reference ({@code cpu/<Name>Cpu.java}), the CUDA kernel and launcher, the parity test with its
 * cases ({@code <Name>Test}, {@code <Name>Cases}) and the benchmark ({@code <Name>Bench}), plus
 * the fixtures in {@code fixtures/<id>.safetensors}. {@code OpCatalogueTest} checks that they exist.
 */
public enum Op {
    CONV2D("conv2d", "Conv2d"),
    CONV_TRANSPOSE2D("conv_transpose2d", "ConvTranspose2d"),
    RELU("relu", "Relu"),
    LEAKY_RELU("leaky_relu", "LeakyRelu"),
    GELU("gelu", "Gelu"),
    ADD("add", "Add"),
    MUL("mul", "Mul"),
    CHANNEL_AFFINE("channel_affine", "ChannelAffine"),
    CONCAT("concat", "Concat"),
    SLICE_CHANNELS("slice_channels", "SliceChannels"),
    DOWNSAMPLE_NEAREST2("downsample_nearest2", "DownsampleNearest2"),
    UPSAMPLE_NEAREST2("upsample_nearest2", "UpsampleNearest2"),
    RESIZE_BILINEAR("resize_bilinear", "ResizeBilinear"),
    PIXEL_UNSHUFFLE("pixel_unshuffle", "PixelUnshuffle"),
    PIXEL_SHUFFLE("pixel_shuffle", "PixelShuffle"),
    REFLECT_PAD("reflect_pad", "ReflectPad"),
    GLOBAL_AVG_POOL("global_avg_pool", "GlobalAvgPool"),
    LINEAR("linear", "Linear"),
    LAYER_NORM("layer_norm", "LayerNorm"),
    SOFTMAX("softmax", "Softmax"),
    PRIOR_SAMPLER("prior_sampler", "PriorSampler");

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

package io.github.blurdm.runtime;

/**
 * The part every backend shares: each op validates its arguments once, here, with {@link OpShapes}
 * (so all backends reject the same calls with the same messages) and checks that its tensors live on
 * this backend, then runs the backend's {@code do<Op>} with valid arguments. Backends implement only
 * {@link #requireResident} and the {@code do<Op>} methods (ggml's split: the op is checked where it
 * is declared, backends only compute).
 */
public abstract class AbstractBackend implements Backend {

    /**
     * Throws {@link IllegalArgumentException} naming {@code op} when a tensor does not live on this
     * backend; null tensors (absent bias, noise) are ignored.
     */
    protected abstract void requireResident(Op op, Tensor... tensors);

    @Override
    public final void conv2d(Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        OpShapes.requireOut(Op.CONV2D, out, OpShapes.conv2d(x, weight, bias, p));
        requireResident(Op.CONV2D, out, x, weight, bias);
        doConv2d(out, x, weight, bias, p);
    }

    /** {@link #conv2d} with arguments already checked. */
    protected abstract void doConv2d(Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p);

    @Override
    public final void convTranspose2d(Tensor out, Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams p) {
        OpShapes.requireOut(Op.CONV_TRANSPOSE2D, out, OpShapes.convTranspose2d(x, weight, bias, p));
        requireResident(Op.CONV_TRANSPOSE2D, out, x, weight, bias);
        doConvTranspose2d(out, x, weight, bias, p);
    }

    /** {@link #convTranspose2d} with arguments already checked. */
    protected abstract void doConvTranspose2d(Tensor out, Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams p);

    @Override
    public final void relu(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.RELU, out, OpShapes.unary(Op.RELU, x));
        requireResident(Op.RELU, out, x);
        doRelu(out, x);
    }

    /** {@link #relu} with arguments already checked. */
    protected abstract void doRelu(Tensor out, Tensor x);

    @Override
    public final void leakyRelu(Tensor out, Tensor x, float slope) {
        OpShapes.requireOut(Op.LEAKY_RELU, out, OpShapes.unary(Op.LEAKY_RELU, x));
        requireResident(Op.LEAKY_RELU, out, x);
        doLeakyRelu(out, x, slope);
    }

    /** {@link #leakyRelu} with arguments already checked. */
    protected abstract void doLeakyRelu(Tensor out, Tensor x, float slope);

    @Override
    public final void gelu(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.GELU, out, OpShapes.unary(Op.GELU, x));
        requireResident(Op.GELU, out, x);
        doGelu(out, x);
    }

    /** {@link #gelu} with arguments already checked. */
    protected abstract void doGelu(Tensor out, Tensor x);

    @Override
    public final void add(Tensor out, Tensor a, Tensor b) {
        OpShapes.requireOut(Op.ADD, out, OpShapes.binary(Op.ADD, a, b));
        requireResident(Op.ADD, out, a, b);
        doAdd(out, a, b);
    }

    /** {@link #add} with arguments already checked. */
    protected abstract void doAdd(Tensor out, Tensor a, Tensor b);

    @Override
    public final void mul(Tensor out, Tensor a, Tensor b) {
        OpShapes.requireOut(Op.MUL, out, OpShapes.binary(Op.MUL, a, b));
        requireResident(Op.MUL, out, a, b);
        doMul(out, a, b);
    }

    /** {@link #mul} with arguments already checked. */
    protected abstract void doMul(Tensor out, Tensor a, Tensor b);

    @Override
    public final void channelAffine(Tensor out, Tensor x, Tensor scale, Tensor shift) {
        OpShapes.requireOut(Op.CHANNEL_AFFINE, out, OpShapes.channelAffine(x, scale, shift));
        requireResident(Op.CHANNEL_AFFINE, out, x, scale, shift);
        doChannelAffine(out, x, scale, shift);
    }

    /** {@link #channelAffine} with arguments already checked. */
    protected abstract void doChannelAffine(Tensor out, Tensor x, Tensor scale, Tensor shift);

    @Override
    public final void concat(Tensor out, Tensor... inputs) {
        OpShapes.requireOut(Op.CONCAT, out, OpShapes.concat(inputs));
        requireResident(Op.CONCAT, inputs);
        requireResident(Op.CONCAT, out);
        doConcat(out, inputs);
    }

    /** {@link #concat} with arguments already checked. */
    protected abstract void doConcat(Tensor out, Tensor... inputs);

    @Override
    public final void sliceChannels(Tensor out, Tensor x, int start) {
        if (out == null) {
            throw new IllegalArgumentException(Op.SLICE_CHANNELS.id() + ": out must not be null");
        }
        OpShapes.requireOut(Op.SLICE_CHANNELS, out, OpShapes.sliceChannels(x, start, out.rank() > 1 ? out.dim(1) : -1));
        requireResident(Op.SLICE_CHANNELS, out, x);
        doSliceChannels(out, x, start);
    }

    /** {@link #sliceChannels} with arguments already checked. */
    protected abstract void doSliceChannels(Tensor out, Tensor x, int start);

    @Override
    public final void downsampleNearest2(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.DOWNSAMPLE_NEAREST2, out, OpShapes.downsampleNearest2(x));
        requireResident(Op.DOWNSAMPLE_NEAREST2, out, x);
        doDownsampleNearest2(out, x);
    }

    /** {@link #downsampleNearest2} with arguments already checked. */
    protected abstract void doDownsampleNearest2(Tensor out, Tensor x);

    @Override
    public final void upsampleNearest2(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.UPSAMPLE_NEAREST2, out, OpShapes.upsampleNearest2(x));
        requireResident(Op.UPSAMPLE_NEAREST2, out, x);
        doUpsampleNearest2(out, x);
    }

    /** {@link #upsampleNearest2} with arguments already checked. */
    protected abstract void doUpsampleNearest2(Tensor out, Tensor x);

    @Override
    public final void resizeBilinear(Tensor out, Tensor x, float ratioH, float ratioW) {
        OpShapes.resizeBilinear(out, x, ratioH, ratioW);
        requireResident(Op.RESIZE_BILINEAR, out, x);
        doResizeBilinear(out, x, ratioH, ratioW);
    }

    /** {@link #resizeBilinear} with arguments already checked. */
    protected abstract void doResizeBilinear(Tensor out, Tensor x, float ratioH, float ratioW);

    @Override
    public final void pixelUnshuffle(Tensor out, Tensor x, int r) {
        OpShapes.requireOut(Op.PIXEL_UNSHUFFLE, out, OpShapes.pixelUnshuffle(x, r));
        requireResident(Op.PIXEL_UNSHUFFLE, out, x);
        doPixelUnshuffle(out, x, r);
    }

    /** {@link #pixelUnshuffle} with arguments already checked. */
    protected abstract void doPixelUnshuffle(Tensor out, Tensor x, int r);

    @Override
    public final void pixelShuffle(Tensor out, Tensor x, int r) {
        OpShapes.requireOut(Op.PIXEL_SHUFFLE, out, OpShapes.pixelShuffle(x, r));
        requireResident(Op.PIXEL_SHUFFLE, out, x);
        doPixelShuffle(out, x, r);
    }

    /** {@link #pixelShuffle} with arguments already checked. */
    protected abstract void doPixelShuffle(Tensor out, Tensor x, int r);

    @Override
    public final void reflectPad(Tensor out, Tensor x, int top, int bottom, int left, int right) {
        OpShapes.requireOut(Op.REFLECT_PAD, out, OpShapes.reflectPad(x, top, bottom, left, right));
        requireResident(Op.REFLECT_PAD, out, x);
        doReflectPad(out, x, top, bottom, left, right);
    }

    /** {@link #reflectPad} with arguments already checked. */
    protected abstract void doReflectPad(Tensor out, Tensor x, int top, int bottom, int left, int right);

    @Override
    public final void globalAvgPool(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.GLOBAL_AVG_POOL, out, OpShapes.globalAvgPool(x));
        requireResident(Op.GLOBAL_AVG_POOL, out, x);
        doGlobalAvgPool(out, x);
    }

    /** {@link #globalAvgPool} with arguments already checked. */
    protected abstract void doGlobalAvgPool(Tensor out, Tensor x);

    @Override
    public final void linear(Tensor out, Tensor x, Tensor weight, Tensor bias, Activation act) {
        OpShapes.requireOut(Op.LINEAR, out, OpShapes.linear(x, weight, bias));
        requireResident(Op.LINEAR, out, x, weight, bias);
        doLinear(out, x, weight, bias, act == null ? Activation.NONE : act);
    }

    /** {@link #linear} with arguments already checked; {@code act} is never null. */
    protected abstract void doLinear(Tensor out, Tensor x, Tensor weight, Tensor bias, Activation act);

    @Override
    public final void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) {
        OpShapes.requireOut(Op.LAYER_NORM, out, OpShapes.layerNorm(x, weight, bias, eps));
        requireResident(Op.LAYER_NORM, out, x, weight, bias);
        doLayerNorm(out, x, weight, bias, eps);
    }

    /** {@link #layerNorm} with arguments already checked. */
    protected abstract void doLayerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps);

    @Override
    public final void softmax(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.SOFTMAX, out, OpShapes.softmax(x));
        requireResident(Op.SOFTMAX, out, x);
        doSoftmax(out, x);
    }

    /** {@link #softmax} with arguments already checked. */
    protected abstract void doSoftmax(Tensor out, Tensor x);

    @Override
    public final void priorSampler(Tensor out, Tensor cond, Tensor noise, Tensor noiseModel, Tensor lcrModel, Tensor schedule, PriorSamplerParams p) {
        OpShapes.requireOut(Op.PRIOR_SAMPLER, out, OpShapes.priorSampler(cond, noise, noiseModel, lcrModel, schedule, p));
        requireResident(Op.PRIOR_SAMPLER, out, cond, noise, noiseModel, lcrModel, schedule);
        doPriorSampler(out, cond, noise, noiseModel, lcrModel, schedule, p);
    }

    /** {@link #priorSampler} with arguments already checked. */
    protected abstract void doPriorSampler(Tensor out, Tensor cond, Tensor noise, Tensor noiseModel, Tensor lcrModel, Tensor schedule, PriorSamplerParams p);

    @Override
    public final void attention(Tensor out, Tensor qkv, int heads, float scale) {
        OpShapes.requireOut(Op.ATTENTION, out, OpShapes.attention(qkv, heads, scale));
        requireResident(Op.ATTENTION, out, qkv);
        doAttention(out, qkv, heads, scale);
    }

    /** {@link #attention} with arguments already checked. */
    protected abstract void doAttention(Tensor out, Tensor qkv, int heads, float scale);

    @Override
    public final void permute(Tensor out, Tensor x, int... dims) {
        OpShapes.requireOut(Op.PERMUTE, out, OpShapes.permute(x, dims));
        requireResident(Op.PERMUTE, out, x);
        doPermute(out, x, dims.clone());
    }

    /** {@link #permute} with arguments already checked. */
    protected abstract void doPermute(Tensor out, Tensor x, int[] dims);

    @Override
    public final void dct2d(Tensor out, Tensor x, boolean inverse) {
        OpShapes.requireOut(Op.DCT2D, out, OpShapes.dct2d(x));
        OpShapes.requireDistinct(Op.DCT2D, out, x, "x");
        requireResident(Op.DCT2D, out, x);
        doDct2d(out, x, inverse);
    }

    /** {@link #dct2d} with arguments already checked. */
    protected abstract void doDct2d(Tensor out, Tensor x, boolean inverse);

    @Override
    public final void windowChannelAttention(Tensor out, Tensor qkv, Tensor temperature, Tensor mlpWeight,
                                             Tensor mlpBias) {
        OpShapes.requireOut(Op.WINDOW_CHANNEL_ATTENTION, out,
                OpShapes.windowChannelAttention(qkv, temperature, mlpWeight, mlpBias));
        OpShapes.requireDistinct(Op.WINDOW_CHANNEL_ATTENTION, out, qkv, "qkv");
        requireResident(Op.WINDOW_CHANNEL_ATTENTION, out, qkv, temperature, mlpWeight, mlpBias);
        doWindowChannelAttention(out, qkv, temperature, mlpWeight, mlpBias);
    }

    /** {@link #windowChannelAttention} with arguments already checked. */
    protected abstract void doWindowChannelAttention(Tensor out, Tensor qkv, Tensor temperature, Tensor mlpWeight,
                                                     Tensor mlpBias);

    @Override
    public final void patchFftFilter(Tensor out, Tensor x, Tensor filter) {
        OpShapes.requireOut(Op.PATCH_FFT_FILTER, out, OpShapes.patchFftFilter(x, filter));
        requireResident(Op.PATCH_FFT_FILTER, out, x, filter);
        OpShapes.requireDistinct(Op.PATCH_FFT_FILTER, out, x, "x");
        doPatchFftFilter(out, x, filter);
    }

    /** {@link #patchFftFilter} with arguments already checked. */
    protected abstract void doPatchFftFilter(Tensor out, Tensor x, Tensor filter);

    @Override
    public final void fsasAttention(Tensor out, Tensor q, Tensor k, Tensor v, Tensor weight, Tensor bias, float eps) {
        OpShapes.requireOut(Op.FSAS_ATTENTION, out, OpShapes.fsasAttention(q, k, v, weight, bias, eps));
        requireResident(Op.FSAS_ATTENTION, out, q, k, v, weight, bias);
        OpShapes.requireDistinct(Op.FSAS_ATTENTION, out, q, "q");
        OpShapes.requireDistinct(Op.FSAS_ATTENTION, out, k, "k");
        OpShapes.requireDistinct(Op.FSAS_ATTENTION, out, v, "v");
        doFsasAttention(out, q, k, v, weight, bias, eps);
    }

    /** {@link #fsasAttention} with arguments already checked. */
    protected abstract void doFsasAttention(Tensor out, Tensor q, Tensor k, Tensor v, Tensor weight, Tensor bias,
                                            float eps);

    @Override
    public final void depthwiseConv2d(Tensor out, Tensor x, Tensor weight, Tensor bias) {
        OpShapes.requireOut(Op.DEPTHWISE_CONV2D, out, OpShapes.depthwiseConv2d(x, weight, bias));
        requireResident(Op.DEPTHWISE_CONV2D, out, x, weight, bias);
        OpShapes.requireDistinct(Op.DEPTHWISE_CONV2D, out, x, "x");
        doDepthwiseConv2d(out, x, weight, bias);
    }

    /** {@link #depthwiseConv2d} with arguments already checked. */
    protected abstract void doDepthwiseConv2d(Tensor out, Tensor x, Tensor weight, Tensor bias);

    @Override
    public final void geluGate(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.GELU_GATE, out, OpShapes.geluGate(x));
        requireResident(Op.GELU_GATE, out, x);
        OpShapes.requireDistinct(Op.GELU_GATE, out, x, "x");
        doGeluGate(out, x);
    }

    /** {@link #geluGate} with arguments already checked. */
    protected abstract void doGeluGate(Tensor out, Tensor x);

    @Override
    public final void biasFreeLayerNorm(Tensor out, Tensor x, Tensor weight, float eps) {
        OpShapes.requireOut(Op.BIAS_FREE_LAYER_NORM, out, OpShapes.biasFreeLayerNorm(x, weight, eps));
        requireResident(Op.BIAS_FREE_LAYER_NORM, out, x, weight);
        doBiasFreeLayerNorm(out, x, weight, eps);
    }

    /** {@link #biasFreeLayerNorm} with arguments already checked. */
    protected abstract void doBiasFreeLayerNorm(Tensor out, Tensor x, Tensor weight, float eps);
}

package io.github.blurdm.runtime;

/**
 * A {@link Backend} with methods that allocate their output on the backend's device, for callers
 * (layers, tests) that do not manage output buffers themselves. Same thread-safety as the backend.
 */
public final class Ops {
    private final Backend b;

    /** Wraps {@code backend}; the wrapper holds no state of its own. */
    public Ops(Backend backend) {
        this.b = backend;
    }

    /** The wrapped backend. */
    public Backend backend() {
        return b;
    }

    /** {@link Backend#conv2d} into a new output tensor, which it returns. */
    /** Gives temporaries back to the backend ({@link Backend#release}); nulls are skipped. */
    public void release(Tensor... ts) {
        for (Tensor t : ts) {
            b.release(t);
        }
    }

    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        Tensor out = b.allocate(OpShapes.conv2d(x, weight, bias, p));
        b.conv2d(out, x, weight, bias, p);
        return out;
    }

    /** {@link Backend#convTranspose2d} into a new output tensor, which it returns. */
    public Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams p) {
        Tensor out = b.allocate(OpShapes.convTranspose2d(x, weight, bias, p));
        b.convTranspose2d(out, x, weight, bias, p);
        return out;
    }

    /** {@link Backend#relu} into a new output tensor, which it returns. */
    public Tensor relu(Tensor x) {
        Tensor out = b.allocate(OpShapes.unary(Op.RELU, x));
        b.relu(out, x);
        return out;
    }

    /** {@link Backend#leakyRelu} into a new output tensor, which it returns. */
    public Tensor leakyRelu(Tensor x, float slope) {
        Tensor out = b.allocate(OpShapes.unary(Op.LEAKY_RELU, x));
        b.leakyRelu(out, x, slope);
        return out;
    }

    /** {@link Backend#gelu} into a new output tensor, which it returns. */
    public Tensor gelu(Tensor x) {
        Tensor out = b.allocate(OpShapes.unary(Op.GELU, x));
        b.gelu(out, x);
        return out;
    }

    /** {@link Backend#add} into a new output tensor, which it returns. */
    public Tensor add(Tensor x, Tensor y) {
        Tensor out = b.allocate(OpShapes.binary(Op.ADD, x, y));
        b.add(out, x, y);
        return out;
    }

    /** {@link Backend#mul} into a new output tensor, which it returns. */
    public Tensor mul(Tensor x, Tensor y) {
        Tensor out = b.allocate(OpShapes.binary(Op.MUL, x, y));
        b.mul(out, x, y);
        return out;
    }

    /** {@link Backend#channelAffine} into a new output tensor, which it returns. */
    public Tensor channelAffine(Tensor x, Tensor scale, Tensor shift) {
        Tensor out = b.allocate(OpShapes.channelAffine(x, scale, shift));
        b.channelAffine(out, x, scale, shift);
        return out;
    }

    /** {@link Backend#concat} into a new output tensor, which it returns. */
    public Tensor concat(Tensor... inputs) {
        Tensor out = b.allocate(OpShapes.concat(inputs));
        b.concat(out, inputs);
        return out;
    }

    /** Channels {@code start .. start+count-1} of x as a new tensor ({@link Backend#sliceChannels}). */
    public Tensor sliceChannels(Tensor x, int start, int count) {
        Tensor out = b.allocate(OpShapes.sliceChannels(x, start, count));
        b.sliceChannels(out, x, start);
        return out;
    }

    /** Splits x along channels into pieces of the given sizes (which must sum to C). */
    public Tensor[] split(Tensor x, int... sizes) {
        int total = 0;
        for (int s : sizes) {
            total += s;
        }
        if (x == null || x.rank() < 2 || total != x.dim(1)) {
            throw new IllegalArgumentException(Op.SLICE_CHANNELS.id() + ": split sizes "
                    + java.util.Arrays.toString(sizes) + " must sum to the channels of x " + x);
        }
        Tensor[] parts = new Tensor[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            parts[i] = sliceChannels(x, start, sizes[i]);
            start += sizes[i];
        }
        return parts;
    }

    /** {@link Backend#downsampleNearest2} into a new output tensor, which it returns. */
    public Tensor downsampleNearest2(Tensor x) {
        Tensor out = b.allocate(OpShapes.downsampleNearest2(x));
        b.downsampleNearest2(out, x);
        return out;
    }

    /** {@link Backend#upsampleNearest2} into a new output tensor, which it returns. */
    public Tensor upsampleNearest2(Tensor x) {
        Tensor out = b.allocate(OpShapes.upsampleNearest2(x));
        b.upsampleNearest2(out, x);
        return out;
    }

    /** PyTorch's {@code interpolate(x, scale_factor=s, mode='bilinear', align_corners=False)}. */
    public Tensor resizeBilinear(Tensor x, double scaleFactor) {
        OpShapes.requireRank(Op.RESIZE_BILINEAR, "x", x, 4);
        if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
            throw new IllegalArgumentException(Op.RESIZE_BILINEAR.id() + ": scale factor must be finite and > 0, got "
                    + scaleFactor);
        }
        int ho = OpShapes.scaledSize(x.dim(2), scaleFactor);
        int wo = OpShapes.scaledSize(x.dim(3), scaleFactor);
        if (ho < 1 || wo < 1) {
            throw new IllegalArgumentException(Op.RESIZE_BILINEAR.id() + ": scale factor " + scaleFactor
                    + " leaves no output for x " + x);
        }
        Tensor out = b.allocate(x.dim(0), x.dim(1), ho, wo);
        float r = OpShapes.bilinearRatio(x.dim(2), ho, scaleFactor);
        b.resizeBilinear(out, x, r, OpShapes.bilinearRatio(x.dim(3), wo, scaleFactor));
        return out;
    }

    /** PyTorch's {@code interpolate(x, size=(h, w), mode='bilinear', align_corners=False)}. */
    public Tensor resizeBilinear(Tensor x, int h, int w) {
        OpShapes.requireRank(Op.RESIZE_BILINEAR, "x", x, 4);
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException(Op.RESIZE_BILINEAR.id() + ": output size "
                    + java.util.Arrays.toString(new int[] {x.dim(0), x.dim(1), h, w}) + " has a dimension < 1 (x "
                    + java.util.Arrays.toString(x.shape()) + ")");
        }
        Tensor out = b.allocate(x.dim(0), x.dim(1), h, w);
        b.resizeBilinear(out, x, OpShapes.bilinearRatio(x.dim(2), h, 0), OpShapes.bilinearRatio(x.dim(3), w, 0));
        return out;
    }

    /** {@link Backend#pixelUnshuffle} into a new output tensor, which it returns. */
    public Tensor pixelUnshuffle(Tensor x, int r) {
        Tensor out = b.allocate(OpShapes.pixelUnshuffle(x, r));
        b.pixelUnshuffle(out, x, r);
        return out;
    }

    /** {@link Backend#pixelShuffle} into a new output tensor, which it returns. */
    public Tensor pixelShuffle(Tensor x, int r) {
        Tensor out = b.allocate(OpShapes.pixelShuffle(x, r));
        b.pixelShuffle(out, x, r);
        return out;
    }

    /** {@link Backend#reflectPad} into a new output tensor, which it returns. */
    public Tensor reflectPad(Tensor x, int top, int bottom, int left, int right) {
        Tensor out = b.allocate(OpShapes.reflectPad(x, top, bottom, left, right));
        b.reflectPad(out, x, top, bottom, left, right);
        return out;
    }

    /** {@link Backend#globalAvgPool} into a new output tensor, which it returns. */
    public Tensor globalAvgPool(Tensor x) {
        Tensor out = b.allocate(OpShapes.globalAvgPool(x));
        b.globalAvgPool(out, x);
        return out;
    }

    /** {@link Backend#linear} into a new output tensor, which it returns. */
    public Tensor linear(Tensor x, Tensor weight, Tensor bias, Activation act) {
        Tensor out = b.allocate(OpShapes.linear(x, weight, bias));
        b.linear(out, x, weight, bias, act);
        return out;
    }

    /** {@link Backend#layerNorm} into a new output tensor, which it returns. */
    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        Tensor out = b.allocate(OpShapes.layerNorm(x, weight, bias, eps));
        b.layerNorm(out, x, weight, bias, eps);
        return out;
    }

    /** {@link Backend#softmax} into a new output tensor, which it returns. */
    public Tensor softmax(Tensor x) {
        Tensor out = b.allocate(OpShapes.softmax(x));
        b.softmax(out, x);
        return out;
    }

    /** {@link Backend#dct2d} into a new output tensor, which it returns. */
    public Tensor dct2d(Tensor x, boolean inverse) {
        Tensor out = b.allocate(OpShapes.dct2d(x));
        b.dct2d(out, x, inverse);
        return out;
    }

    /** {@link Backend#windowChannelAttention} into a new output tensor, which it returns. */
    public Tensor windowChannelAttention(Tensor qkv, Tensor temperature, Tensor mlpWeight, Tensor mlpBias) {
        Tensor out = b.allocate(OpShapes.windowChannelAttention(qkv, temperature, mlpWeight, mlpBias));
        b.windowChannelAttention(out, qkv, temperature, mlpWeight, mlpBias);
        return out;
    }

    /** {@link Backend#priorSampler} into a new output tensor, which it returns. */
    public Tensor priorSampler(Tensor cond, Tensor noise, Tensor noiseModel, Tensor lcrModel, Tensor schedule,
                               PriorSamplerParams p) {
        Tensor out = b.allocate(OpShapes.priorSampler(cond, noise, noiseModel, lcrModel, schedule, p));
        b.priorSampler(out, cond, noise, noiseModel, lcrModel, schedule, p);
        return out;
    }

    /** {@link Backend#attention} with PyTorch's scale 1/sqrt(d), d = F / heads, into a new output tensor. */
    public Tensor attention(Tensor qkv, int heads) {
        int[] shape = OpShapes.attention(qkv, heads, 1f);
        return attention(qkv, heads, (float) (1.0 / Math.sqrt(shape[2] / heads)));
    }

    /** {@link Backend#attention} into a new output tensor, which it returns. */
    public Tensor attention(Tensor qkv, int heads, float scale) {
        Tensor out = b.allocate(OpShapes.attention(qkv, heads, scale));
        b.attention(out, qkv, heads, scale);
        return out;
    }

    /** {@link Backend#permute} into a new output tensor, which it returns. */
    public Tensor permute(Tensor x, int... dims) {
        Tensor out = b.allocate(OpShapes.permute(x, dims));
        b.permute(out, x, dims);
        return out;
    }

    /** {@link Backend#patchFftFilter} into a new output tensor, which it returns. */
    public Tensor patchFftFilter(Tensor x, Tensor filter) {
        Tensor out = b.allocate(OpShapes.patchFftFilter(x, filter));
        b.patchFftFilter(out, x, filter);
        return out;
    }

    /** {@link Backend#fsasAttention} into a new output tensor, which it returns. */
    public Tensor fsasAttention(Tensor q, Tensor k, Tensor v, Tensor weight, Tensor bias, float eps) {
        Tensor out = b.allocate(OpShapes.fsasAttention(q, k, v, weight, bias, eps));
        b.fsasAttention(out, q, k, v, weight, bias, eps);
        return out;
    }

    /** {@link Backend#depthwiseConv2d} into a new output tensor, which it returns. */
    public Tensor depthwiseConv2d(Tensor x, Tensor weight, Tensor bias) {
        Tensor out = b.allocate(OpShapes.depthwiseConv2d(x, weight, bias));
        b.depthwiseConv2d(out, x, weight, bias);
        return out;
    }

    /** {@link Backend#geluGate} into a new output tensor, which it returns. */
    public Tensor geluGate(Tensor x) {
        Tensor out = b.allocate(OpShapes.geluGate(x));
        b.geluGate(out, x);
        return out;
    }

    /** {@link Backend#biasFreeLayerNorm} into a new output tensor, which it returns. */
    public Tensor biasFreeLayerNorm(Tensor x, Tensor weight, float eps) {
        Tensor out = b.allocate(OpShapes.biasFreeLayerNorm(x, weight, eps));
        b.biasFreeLayerNorm(out, x, weight, eps);
        return out;
    }
}

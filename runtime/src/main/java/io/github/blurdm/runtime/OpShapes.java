package io.github.blurdm.runtime;

import java.util.Arrays;

/**
 * Shape inference and argument checks for every {@link Op}, shared by all backends so they reject
 * exactly the same calls with the same messages: which op, what was expected, what was found.
 */
public final class OpShapes {
    private OpShapes() {
    }

    static IllegalArgumentException bad(Op op, String what) {
        return new IllegalArgumentException(op.id() + ": " + what);
    }

    static String s(Tensor t) {
        return t == null ? "null" : Arrays.toString(t.shape());
    }

    static void requireNonNull(Op op, String name, Tensor t) {
        if (t == null) {
            throw bad(op, name + " must not be null");
        }
    }

    static void requireRank(Op op, String name, Tensor t, int rank) {
        requireNonNull(op, name, t);
        if (t.rank() != rank) {
            throw bad(op, name + " must have rank " + rank + ", found " + s(t));
        }
    }

    /** Checks that {@code out} has exactly {@code expected}. */
    public static void requireOut(Op op, Tensor out, int... expected) {
        requireNonNull(op, "out", out);
        if (!Arrays.equals(out.shape(), expected)) {
            throw bad(op, "out: expected " + Arrays.toString(expected) + ", found " + s(out));
        }
    }

    static void requireSameShape(Op op, Tensor a, Tensor b, String names) {
        requireNonNull(op, "input", a);
        requireNonNull(op, "input", b);
        if (!a.sameShape(b)) {
            throw bad(op, names + " must have equal shapes, found " + s(a) + " and " + s(b));
        }
    }

    // ---------------------------------------------------------------- convolutions

    /** Output shape of conv2d(x, weight) after checking x [N,Cin,H,W], weight [Cout,Cin/g,kH,kW], bias [Cout]. */
    public static int[] conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        Op op = Op.CONV2D;
        requireRank(op, "x", x, 4);
        requireRank(op, "weight", weight, 4);
        int cin = x.dim(1);
        int cout = weight.dim(0);
        int g = p.groups();
        if (cin % g != 0 || cout % g != 0) {
            throw bad(op, "groups=" + g + " must divide input channels " + cin + " and output channels " + cout
                    + " (x " + s(x) + ", weight " + s(weight) + ")");
        }
        if (weight.dim(1) != cin / g) {
            throw bad(op, "weight " + s(weight) + " expects " + weight.dim(1) * g + " input channels but x "
                    + s(x) + " has " + cin + " (groups=" + g + ")");
        }
        checkBias(op, bias, cout);
        int kh = weight.dim(2);
        int kw = weight.dim(3);
        int ho = convOut(x.dim(2), kh, p.strideH(), p.padH(), p.dilationH());
        int wo = convOut(x.dim(3), kw, p.strideW(), p.padW(), p.dilationW());
        if (ho <= 0 || wo <= 0) {
            throw bad(op, "kernel " + kh + "x" + kw + " (" + p + ") does not fit input " + s(x));
        }
        return new int[] {x.dim(0), cout, ho, wo};
    }

    static int convOut(int in, int k, int stride, int pad, int dil) {
        return Math.floorDiv(in + 2 * pad - dil * (k - 1) - 1, stride) + 1;
    }

    /** Output shape of conv_transpose2d after checking x [N,Cin,H,W], weight [Cin,Cout/g,kH,kW], bias [Cout]. */
    public static int[] convTranspose2d(Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams p) {
        Op op = Op.CONV_TRANSPOSE2D;
        requireRank(op, "x", x, 4);
        requireRank(op, "weight", weight, 4);
        int cin = x.dim(1);
        int g = p.groups();
        if (weight.dim(0) != cin) {
            throw bad(op, "weight " + s(weight) + " expects " + weight.dim(0) + " input channels but x " + s(x)
                    + " has " + cin);
        }
        if (cin % g != 0) {
            throw bad(op, "groups=" + g + " must divide input channels " + cin + " (x " + s(x) + ", weight "
                    + s(weight) + ")");
        }
        int cout = weight.dim(1) * g;
        checkBias(op, bias, cout);
        int kh = weight.dim(2);
        int kw = weight.dim(3);
        int ho = (x.dim(2) - 1) * p.strideH() - 2 * p.padH() + p.dilationH() * (kh - 1) + p.outPadH() + 1;
        int wo = (x.dim(3) - 1) * p.strideW() - 2 * p.padW() + p.dilationW() * (kw - 1) + p.outPadW() + 1;
        if (ho <= 0 || wo <= 0) {
            throw bad(op, "padding " + p + " leaves no output for input " + s(x) + " and weight " + s(weight));
        }
        return new int[] {x.dim(0), cout, ho, wo};
    }

    private static void checkBias(Op op, Tensor bias, int cout) {
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != cout)) {
            throw bad(op, "bias: expected [" + cout + "], found " + s(bias));
        }
    }

    // ---------------------------------------------------------------- elementwise

    /** Output shape of an elementwise op on x: x's shape. */
    public static int[] unary(Op op, Tensor x) {
        requireNonNull(op, "x", x);
        return x.shape();
    }

    /** Output shape of an elementwise op on a and b, which must have equal shapes. */
    public static int[] binary(Op op, Tensor a, Tensor b) {
        requireSameShape(op, a, b, "a and b");
        return a.shape();
    }

    /** Output shape of {@link Op#CHANNEL_AFFINE}: x's; scale and shift must be [N,C]. */
    public static int[] channelAffine(Tensor x, Tensor scale, Tensor shift) {
        Op op = Op.CHANNEL_AFFINE;
        requireNonNull(op, "x", x);
        if (x.rank() < 2) {
            throw bad(op, "x must be [N,C,...], found " + s(x));
        }
        for (Tensor t : new Tensor[] {scale, shift}) {
            String name = t == scale ? "scale" : "shift";
            requireNonNull(op, name, t);
            if (t.rank() != 2 || t.dim(0) != x.dim(0) || t.dim(1) != x.dim(1)) {
                throw bad(op, name + ": expected [" + x.dim(0) + "," + x.dim(1) + "] for x " + s(x) + ", found "
                        + s(t));
            }
        }
        return x.shape();
    }

    // ---------------------------------------------------------------- channel plumbing

    /** Output shape of {@link Op#CONCAT}: [N, sum of C, ...]; the other dimensions must agree. */
    public static int[] concat(Tensor... inputs) {
        Op op = Op.CONCAT;
        if (inputs == null || inputs.length == 0) {
            throw bad(op, "needs at least one input");
        }
        requireNonNull(op, "inputs[0]", inputs[0]);
        int[] first = inputs[0].shape();
        if (first.length < 2) {
            throw bad(op, "inputs must be [N,C,...], found " + s(inputs[0]));
        }
        int c = 0;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            requireNonNull(op, "inputs[" + i + "]", t);
            int[] sh = t.shape();
            boolean ok = sh.length == first.length && sh[0] == first[0];
            for (int d = 2; ok && d < sh.length; d++) {
                ok = sh[d] == first[d];
            }
            if (!ok) {
                StringBuilder all = new StringBuilder();
                for (Tensor u : inputs) {
                    all.append(all.length() == 0 ? "" : ", ").append(s(u));
                }
                throw bad(op, "inputs must agree in every dim but 1, found " + all);
            }
            c += sh[1];
        }
        int[] out = first.clone();
        out[1] = c;
        return out;
    }

    /** Output shape of {@link Op#SLICE_CHANNELS}: [N, count, ...]; the slice must lie inside x. */
    public static int[] sliceChannels(Tensor x, int start, int count) {
        Op op = Op.SLICE_CHANNELS;
        requireNonNull(op, "x", x);
        if (x.rank() < 2) {
            throw bad(op, "x must be [N,C,...], found " + s(x));
        }
        if (start < 0 || count <= 0 || start + count > x.dim(1)) {
            throw bad(op, "channels [" + start + "," + (start + count) + ") out of range for x " + s(x));
        }
        int[] out = x.shape();
        out[1] = count;
        return out;
    }

    // ---------------------------------------------------------------- resampling

    /** Output shape of {@link Op#DOWNSAMPLE_NEAREST2}: [N,C,floor(H/2),floor(W/2)]. */
    public static int[] downsampleNearest2(Tensor x) {
        Op op = Op.DOWNSAMPLE_NEAREST2;
        requireRank(op, "x", x, 4);
        if (x.dim(2) < 2 || x.dim(3) < 2) {
            throw bad(op, "x must be at least 2x2, found " + s(x));
        }
        return new int[] {x.dim(0), x.dim(1), x.dim(2) / 2, x.dim(3) / 2};
    }

    /** Output shape of {@link Op#UPSAMPLE_NEAREST2}: [N,C,2H,2W]. */
    public static int[] upsampleNearest2(Tensor x) {
        requireRank(Op.UPSAMPLE_NEAREST2, "x", x, 4);
        return new int[] {x.dim(0), x.dim(1), x.dim(2) * 2, x.dim(3) * 2};
    }

    /**
     * Source pixels per output pixel for align_corners=False, as PyTorch computes it: {@code 1/scaleFactor}
     * when a scale factor was given (pass > 0), else {@code in/out}.
     */
    public static float bilinearRatio(int in, int out, double scaleFactor) {
        return scaleFactor > 0 ? (float) (1.0 / scaleFactor) : (float) in / out;
    }

    /** Output size of a PyTorch interpolate with a scale factor: floor(in * scale). */
    public static int scaledSize(int in, double scaleFactor) {
        return (int) Math.floor(in * scaleFactor);
    }

    /** Checks the arguments of {@link Op#RESIZE_BILINEAR} (out gives the size). */
    public static void resizeBilinear(Tensor out, Tensor x, float ratioH, float ratioW) {
        Op op = Op.RESIZE_BILINEAR;
        requireRank(op, "x", x, 4);
        requireRank(op, "out", out, 4);
        if (out.dim(0) != x.dim(0) || out.dim(1) != x.dim(1)) {
            throw bad(op, "out " + s(out) + " must keep N and C of x " + s(x));
        }
        if (!(ratioH > 0) || !(ratioW > 0) || Float.isInfinite(ratioH) || Float.isInfinite(ratioW)) {
            throw bad(op, "ratios must be finite and > 0, found " + ratioH + ", " + ratioW);
        }
    }

    /** Output shape of {@link Op#PIXEL_UNSHUFFLE}: [N,C*r*r,H/r,W/r]; H and W must divide by r. */
    public static int[] pixelUnshuffle(Tensor x, int r) {
        Op op = Op.PIXEL_UNSHUFFLE;
        requireRank(op, "x", x, 4);
        if (r < 1 || x.dim(2) % r != 0 || x.dim(3) % r != 0) {
            throw bad(op, "factor " + r + " must be >= 1 and divide H and W of x " + s(x));
        }
        return new int[] {x.dim(0), x.dim(1) * r * r, x.dim(2) / r, x.dim(3) / r};
    }

    /** Output shape of {@link Op#PIXEL_SHUFFLE}: [N,C/(r*r),H*r,W*r]; C must divide by r*r. */
    public static int[] pixelShuffle(Tensor x, int r) {
        Op op = Op.PIXEL_SHUFFLE;
        requireRank(op, "x", x, 4);
        if (r < 1 || x.dim(1) % (r * r) != 0) {
            throw bad(op, "factor " + r + " must be >= 1 and r*r must divide the channels of x " + s(x));
        }
        return new int[] {x.dim(0), x.dim(1) / (r * r), x.dim(2) * r, x.dim(3) * r};
    }

    /** Output shape of {@link Op#REFLECT_PAD}: H+top+bottom by W+left+right; each pad below the size it reflects. */
    public static int[] reflectPad(Tensor x, int top, int bottom, int left, int right) {
        Op op = Op.REFLECT_PAD;
        requireNonNull(op, "x", x);
        if (x.rank() < 2) {
            throw bad(op, "x must have rank >= 2, found " + s(x));
        }
        int h = x.dim(-2);
        int w = x.dim(-1);
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw bad(op, "pads must be >= 0, found top=" + top + " bottom=" + bottom + " left=" + left
                    + " right=" + right);
        }
        if (top >= h || bottom >= h || left >= w || right >= w) {
            throw bad(op, "pads (top=" + top + ", bottom=" + bottom + ", left=" + left + ", right=" + right
                    + ") must be smaller than the padded dims of x " + s(x));
        }
        int[] out = x.shape();
        out[out.length - 2] = h + top + bottom;
        out[out.length - 1] = w + left + right;
        return out;
    }

    /** Output shape of {@link Op#GLOBAL_AVG_POOL}: [N,C]. */
    public static int[] globalAvgPool(Tensor x) {
        requireRank(Op.GLOBAL_AVG_POOL, "x", x, 4);
        return new int[] {x.dim(0), x.dim(1)};
    }

    // ---------------------------------------------------------------- dense

    /** Output shape of {@link Op#LINEAR}: x's with the last dimension replaced by weight's rows. */
    public static int[] linear(Tensor x, Tensor weight, Tensor bias) {
        Op op = Op.LINEAR;
        requireNonNull(op, "x", x);
        requireRank(op, "weight", weight, 2);
        int k = weight.dim(1);
        if (x.dim(-1) != k) {
            throw bad(op, "x " + s(x) + " has " + x.dim(-1) + " features but weight " + s(weight) + " expects " + k);
        }
        checkBias(op, bias, weight.dim(0));
        int[] out = x.shape();
        out[out.length - 1] = weight.dim(0);
        return out;
    }

    /** Output shape of {@link Op#LAYER_NORM}: x's; weight and bias, when given, are [C]. */
    public static int[] layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        Op op = Op.LAYER_NORM;
        requireNonNull(op, "x", x);
        if (x.rank() < 2) {
            throw bad(op, "x must be [N,C,...], found " + s(x));
        }
        int c = x.dim(1);
        for (Tensor t : new Tensor[] {weight, bias}) {
            if (t != null && (t.rank() != 1 || t.dim(0) != c)) {
                throw bad(op, (t == weight ? "weight" : "bias") + ": expected [" + c + "] for x " + s(x)
                        + ", found " + s(t));
            }
        }
        if (!(eps > 0) || Float.isInfinite(eps)) {
            throw bad(op, "eps must be finite and > 0, found " + eps);
        }
        return x.shape();
    }

    /** Output shape of {@link Op#SOFTMAX} (over the last dimension): x's. */
    public static int[] softmax(Tensor x) {
        requireNonNull(Op.SOFTMAX, "x", x);
        return x.shape();
    }

    // ---------------------------------------------------------------- prior sampler

    /** Output shape of {@link Op#PRIOR_SAMPLER}: cond's [N,L]; checks the packed models and schedule against p. */
    public static int[] priorSampler(Tensor cond, Tensor noise, Tensor noiseModel, Tensor lcrModel, Tensor schedule,
                                     PriorSamplerParams p) {
        Op op = Op.PRIOR_SAMPLER;
        requireRank(op, "cond", cond, 2);
        if (cond.dim(1) != p.latent()) {
            throw bad(op, "cond " + s(cond) + " must have " + p.latent() + " columns (" + p + ")");
        }
        if (noise != null && !noise.sameShape(cond)) {
            throw bad(op, "noise " + s(noise) + " must have the shape of cond " + s(cond));
        }
        for (Tensor t : new Tensor[] {noiseModel, lcrModel}) {
            String name = t == noiseModel ? "noiseModel" : "lcrModel";
            requireRank(op, name, t, 1);
            if (t.dim(0) != p.packedSize()) {
                throw bad(op, name + ": expected [" + p.packedSize() + "] packed weights for " + p + ", found " + s(t));
            }
        }
        requireRank(op, "schedule", schedule, 1);
        if (schedule.dim(0) != p.scheduleSize()) {
            throw bad(op, "schedule: expected [" + p.scheduleSize() + "] for " + p + ", found " + s(schedule));
        }
        return cond.shape();
    }

    // ---------------------------------------------------------------- attention, permute

    /** Output shape of {@link Op#ATTENTION}: [B,T,F] for qkv [B,T,3F], F a multiple of heads, a finite scale. */
    public static int[] attention(Tensor qkv, int heads, float scale) {
        Op op = Op.ATTENTION;
        requireRank(op, "qkv", qkv, 3);
        int f3 = qkv.dim(2);
        if (heads < 1 || f3 % 3 != 0 || f3 / 3 % heads != 0) {
            throw bad(op, "qkv " + s(qkv) + " must pack [q | k | v] of F features each, F a multiple of heads " + heads);
        }
        if (!Float.isFinite(scale)) {
            throw bad(op, "scale must be finite, found " + scale);
        }
        return new int[] {qkv.dim(0), qkv.dim(1), f3 / 3};
    }

    /** Output shape of {@link Op#PERMUTE}: x's dimensions in the order {@code dims}, a permutation of 0..rank-1. */
    public static int[] permute(Tensor x, int[] dims) {
        Op op = Op.PERMUTE;
        requireNonNull(op, "x", x);
        if (dims == null || dims.length != x.rank() || x.rank() > 6) {
            throw bad(op, "dims " + Arrays.toString(dims) + " must order all " + x.rank() + " dimensions of x " + s(x)
                    + " (rank 1 to 6)");
        }
        boolean[] seen = new boolean[dims.length];
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] >= dims.length || seen[dims[i]]) {
                throw bad(op, "dims " + Arrays.toString(dims) + " is not a permutation of 0.." + (dims.length - 1));
            }
            seen[dims[i]] = true;
            out[i] = x.dim(dims[i]);
        }
        return out;
    }

    /** Throws naming {@code op} when {@code out} shares storage with the input called {@code name}. */
    static void requireDistinct(Op op, Tensor out, Tensor in, String name) {
        if (out != null && in != null && out.storage() == in.storage()) {
            throw bad(op, "out must not alias " + name + " " + s(in));
        }
    }

    // ---------------------------------------------------------------- LoFormer

    /** Output shape of {@link Op#DCT2D}: x's, which must be [N,C,H,W]. */
    public static int[] dct2d(Tensor x) {
        requireRank(Op.DCT2D, "x", x, 4);
        return x.shape();
    }

    /** The window side of {@link Op#WINDOW_CHANNEL_ATTENTION}. */
    public static final int ATTENTION_WINDOW = 8;

    /**
     * Output shape of {@link Op#WINDOW_CHANNEL_ATTENTION}: [N,C,H,W] for qkv [N,3C,H,W]; temperature [h] with h
     * dividing C; mlpWeight [64,64]; mlpBias [64]; H and W whose reflect padding to a multiple of 8 is smaller
     * than the side (a multiple of 8, or more than 4).
     */
    public static int[] windowChannelAttention(Tensor qkv, Tensor temperature, Tensor mlpWeight, Tensor mlpBias) {
        Op op = Op.WINDOW_CHANNEL_ATTENTION;
        requireRank(op, "qkv", qkv, 4);
        requireRank(op, "temperature", temperature, 1);
        requireRank(op, "mlpWeight", mlpWeight, 2);
        requireRank(op, "mlpBias", mlpBias, 1);
        int c3 = qkv.dim(1);
        if (c3 % 3 != 0 || c3 == 0) {
            throw bad(op, "qkv " + s(qkv) + ": channels must be 3C (q, k, v), found " + c3);
        }
        int c = c3 / 3;
        int heads = temperature.dim(0);
        if (heads < 1 || c % heads != 0) {
            throw bad(op, "temperature " + s(temperature) + ": the head count must divide C = " + c);
        }
        int p = ATTENTION_WINDOW * ATTENTION_WINDOW;
        if (mlpWeight.dim(0) != p || mlpWeight.dim(1) != p) {
            throw bad(op, "mlpWeight: expected [" + p + "," + p + "], found " + s(mlpWeight));
        }
        if (mlpBias.dim(0) != p) {
            throw bad(op, "mlpBias: expected [" + p + "], found " + s(mlpBias));
        }
        for (int axis = 2; axis <= 3; axis++) {
            int side = qkv.dim(axis);
            int pad = (ATTENTION_WINDOW - side % ATTENTION_WINDOW) % ATTENTION_WINDOW;
            if (side < 1 || pad >= side) {
                throw bad(op, "qkv " + s(qkv) + ": " + (axis == 2 ? "H" : "W") + " = " + side
                        + " cannot be reflect-padded by " + pad + " to a multiple of " + ATTENTION_WINDOW
                        + " (the side must be a multiple of 8 or more than 4)");
            }
        }
        return new int[] {qkv.dim(0), c, qkv.dim(2), qkv.dim(3)};
    }

    // ---------------------------------------------------------------- FFTformer

    /** The side of FFTformer's frequency-domain patches. */
    public static final int PATCH = 8;

    private static void requirePatchGrid(Op op, String name, Tensor x) {
        requireRank(op, name, x, 4);
        if (x.dim(2) % PATCH != 0 || x.dim(3) % PATCH != 0) {
            throw bad(op, name + " " + s(x) + ": height and width must be multiples of " + PATCH
                    + " (8x8 patches with no remainder, as FFTformer splits maps), found " + x.dim(2) + "x" + x.dim(3));
        }
    }

    /** Output shape of {@link Op#PATCH_FFT_FILTER} after checking x [N,C,H,W] (H, W multiples of 8), filter [C,8,5]. */
    public static int[] patchFftFilter(Tensor x, Tensor filter) {
        Op op = Op.PATCH_FFT_FILTER;
        requirePatchGrid(op, "x", x);
        requireRank(op, "filter", filter, 3);
        if (filter.dim(0) != x.dim(1) || filter.dim(1) != PATCH || filter.dim(2) != PATCH / 2 + 1) {
            throw bad(op, "filter: expected [" + x.dim(1) + ", 8, 5] for x " + s(x) + ", found " + s(filter));
        }
        return x.shape();
    }

    /** Output shape of {@link Op#FSAS_ATTENTION}: q's, after checking q, k, v [N,C,H,W] (H, W multiples of 8). */
    public static int[] fsasAttention(Tensor q, Tensor k, Tensor v, Tensor weight, Tensor bias, float eps) {
        Op op = Op.FSAS_ATTENTION;
        requirePatchGrid(op, "q", q);
        requireNonNull(op, "k", k);
        requireNonNull(op, "v", v);
        if (!q.sameShape(k) || !q.sameShape(v)) {
            throw bad(op, "q, k and v must have equal shapes, found " + s(q) + ", " + s(k) + ", " + s(v));
        }
        int c = q.dim(1);
        for (Tensor t : new Tensor[] {weight, bias}) {
            if (t != null && (t.rank() != 1 || t.dim(0) != c)) {
                throw bad(op, (t == weight ? "weight" : "bias") + ": expected [" + c + "] for q " + s(q)
                        + ", found " + s(t));
            }
        }
        if (!(eps > 0) || Float.isInfinite(eps)) {
            throw bad(op, "eps must be finite and > 0, found " + eps);
        }
        return q.shape();
    }

    /** Output shape of {@link Op#DEPTHWISE_CONV2D} after checking x [N,C,H,W], weight [C,1,k,k] (k odd), bias [C]. */
    public static int[] depthwiseConv2d(Tensor x, Tensor weight, Tensor bias) {
        Op op = Op.DEPTHWISE_CONV2D;
        requireRank(op, "x", x, 4);
        requireRank(op, "weight", weight, 4);
        int c = x.dim(1);
        int k = weight.dim(2);
        if (weight.dim(0) != c || weight.dim(1) != 1 || weight.dim(3) != k || k % 2 == 0) {
            throw bad(op, "weight: expected [" + c + ", 1, k, k] with k odd for x " + s(x) + ", found " + s(weight));
        }
        checkBias(op, bias, c);
        return x.shape();
    }

    /** Output shape of {@link Op#GELU_GATE}: x [N,2C,...] gives [N,C,...]. */
    public static int[] geluGate(Tensor x) {
        Op op = Op.GELU_GATE;
        requireNonNull(op, "x", x);
        if (x.rank() < 2 || x.dim(1) % 2 != 0) {
            throw bad(op, "x must be [N,2C,...] (an even channel count), found " + s(x));
        }
        int[] out = x.shape();
        out[1] /= 2;
        return out;
    }

    /** Output shape of {@link Op#BIAS_FREE_LAYER_NORM}: x's, after checking weight [C] and eps. */
    public static int[] biasFreeLayerNorm(Tensor x, Tensor weight, float eps) {
        Op op = Op.BIAS_FREE_LAYER_NORM;
        requireNonNull(op, "x", x);
        if (x.rank() < 2) {
            throw bad(op, "x must be [N,C,...], found " + s(x));
        }
        requireNonNull(op, "weight", weight);
        if (weight.rank() != 1 || weight.dim(0) != x.dim(1)) {
            throw bad(op, "weight: expected [" + x.dim(1) + "] for x " + s(x) + ", found " + s(weight));
        }
        if (!(eps > 0) || Float.isInfinite(eps)) {
            throw bad(op, "eps must be finite and > 0, found " + eps);
        }
        return x.shape();
    }
}

package io.github.blurdm.runtime;

/**
 * Runs every {@link Op} on tensors that live on its {@link #device()}.
 *
 * <p>Conventions (llm.c's): the destination comes first, parameters last. Every op validates its
 * arguments with {@link OpShapes} and throws {@link IllegalArgumentException} naming the op and
 * the shapes; outputs are fully overwritten and must not alias inputs unless an op says so.
 * Tensors are NCHW where an op speaks of channels. {@link Ops} wraps a backend with methods that
 * allocate the output.
 *
 * <p>A backend may run each op on many threads, but a backend instance is not safe for concurrent
 * calls from several threads unless its class says otherwise.
 */
public interface Backend extends AutoCloseable {

    /** Short name for logs ("cpu", "cuda:0"). */
    String name();

    /** Where this backend's tensors live. */
    Device device();

    /** Whether this backend implements {@code op} (all ops, for the CPU backend). */
    boolean supports(Op op);

    /** A new tensor on this backend's device; its contents are unspecified. */
    Tensor allocate(int... shape);

    /**
     * Gives {@code t}'s memory back to the backend for reuse by later {@link #allocate} calls. The
     * caller promises that neither {@code t} nor any view of it ({@link Tensor#reshape}) is used
     * afterwards; layers call it for temporaries they allocated themselves. Null is ignored.
     */
    void release(Tensor t);

    /**
     * About how many bytes of tensors this backend could still allocate now: heap headroom (plus pooled
     * arrays) on the CPU, free device memory (plus cached blocks) on a GPU. Callers size work by it,
     * e.g. whether an image runs whole or in tiles.
     */
    long availableMemory();

    /** Copies a host tensor to this backend's device (a copy even on the CPU). */
    Tensor upload(Tensor host);

    /** Copies a tensor of this backend to a new host tensor. */
    Tensor download(Tensor t);

    /**
     * out[N,Cout,Ho,Wo] = act(conv(x[N,Cin,H,W], weight[Cout,Cin/groups,kH,kW]) + bias[Cout]);
     * {@code bias} may be null. Zero padding, PyTorch's output size.
     */
    void conv2d(Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p);

    /**
     * out[N,Cout,Ho,Wo] = act(conv_transpose(x[N,Cin,H,W], weight[Cin,Cout/groups,kH,kW]) + bias[Cout]);
     * {@code bias} may be null.
     */
    void convTranspose2d(Tensor out, Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams p);

    /** out = max(x, 0), any shape; out may be x. */
    void relu(Tensor out, Tensor x);

    /** out = x >= 0 ? x : slope*x, any shape; out may be x. */
    void leakyRelu(Tensor out, Tensor x, float slope);

    /** out = x/2 (1 + erf(x/sqrt 2)), any shape; out may be x. */
    void gelu(Tensor out, Tensor x);

    /** out = a + b, equal shapes; out may be a or b. */
    void add(Tensor out, Tensor a, Tensor b);

    /** out = a * b, equal shapes; out may be a or b. */
    void mul(Tensor out, Tensor a, Tensor b);

    /** out[n,c,h,w] = x[n,c,h,w] * scale[n,c] + shift[n,c]; x rank >= 2 ([N,C,...]); out may be x. */
    void channelAffine(Tensor out, Tensor x, Tensor scale, Tensor shift);

    /** out[N,sum C_i,H,W] = inputs concatenated along dim 1, in order. */
    void concat(Tensor out, Tensor... inputs);

    /** out[N,Co,H,W] = x[N, start:start+Co, H, W] (one piece of a split along channels). */
    void sliceChannels(Tensor out, Tensor x, int start);

    /** out[N,C,floor(H/2),floor(W/2)] = x[:, :, 2i, 2j] (PyTorch nearest with scale_factor 0.5). */
    void downsampleNearest2(Tensor out, Tensor x);

    /** out[N,C,2H,2W]: every pixel of x repeated 2x2. */
    void upsampleNearest2(Tensor out, Tensor x);

    /**
     * Bilinear resize, align_corners=False, to out's spatial size. {@code ratioH}, {@code ratioW}
     * are the source pixels per output pixel (PyTorch: 1/scale_factor when a scale factor is given,
     * in/out otherwise; see {@link OpShapes#bilinearRatio}).
     */
    void resizeBilinear(Tensor out, Tensor x, float ratioH, float ratioW);

    /** out[N,C*r*r,H/r,W/r]: out channel c*r*r + i*r + j at (y,x) = x channel c at (r*y+i, r*x+j). */
    void pixelUnshuffle(Tensor out, Tensor x, int r);

    /** The inverse of {@link #pixelUnshuffle}: out[N,C/(r*r),H*r,W*r]. */
    void pixelShuffle(Tensor out, Tensor x, int r);

    /** Reflect padding (mirror without repeating the edge) of the last two dims; each pad smaller than the size it reflects. */
    void reflectPad(Tensor out, Tensor x, int top, int bottom, int left, int right);

    /** out[N,C] = mean of x[N,C,H,W] over H and W. */
    void globalAvgPool(Tensor out, Tensor x);

    /**
     * out[...,Nout] = act(x[...,K] * weight[Nout,K]^T + bias[Nout]); bias may be null. Covers the
     * matrix-vector (one row) and matrix-matrix cases.
     */
    void linear(Tensor out, Tensor x, Tensor weight, Tensor bias, Activation act);

    /**
     * LayerNorm over channels: x is [N,C,...] (rank >= 2); at each (n, position) the C values are
     * normalised (biased variance) and scaled: out = (x - mean)/sqrt(var + eps) * weight[c] + bias[c].
     * weight and bias may be null (no affine). For rank 2 this is PyTorch's LayerNorm over the last dim.
     */
    void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps);

    /** Softmax over the last dimension, any rank; out may be x. */
    void softmax(Tensor out, Tensor x);

    /**
     * prior_sampler: BlurDM's reverse sampler (spec 2.3), both denoisers for all steps fused.
     * out[N,L] = z_0 starting from {@code z_T = cond + betas_bar[T-1] * eps}; cond [N,L] is the blur
     * encoder's latent; noise [N,L] is eps, or null to draw it from {@link PhiloxNoise} with
     * {@code (p.seed(), p.stream0() + n)}; noiseModel and lcrModel are the two denoisers packed as
     * {@link PriorSamplerParams#packedSize()} floats; schedule is {@code [alphas | betas_bar | time_stamps]}.
     */
    void priorSampler(Tensor out, Tensor cond, Tensor noise, Tensor noiseModel, Tensor lcrModel, Tensor schedule,
                      PriorSamplerParams p);

    /**
     * attention: softmax attention over tokens packed as qkv[B,T,3F] = [q | k | v] along the last dim (PyTorch's
     * {@code qkv.chunk(3, -1)}), F = heads * d with heads contiguous chunks of d features:
     * out[b,t,h*d + j] = sum_s softmax_s(scale * q[b,t,h]·k[b,s,h]) v[b,s,h*d + j]; out is [B,T,F].
     * PyTorch's usual scale is 1/sqrt(d) ({@link Ops#attention(Tensor, int)}).
     */
    void attention(Tensor out, Tensor qkv, int heads, float scale);

    /**
     * permute: out = x with its dimensions reordered, dense: out.shape[i] = x.shape[dims[i]] (PyTorch's
     * {@code x.permute(dims).contiguous()}); dims a permutation of 0..rank-1, rank 1 to 6.
     */
    void permute(Tensor out, Tensor x, int... dims);

    /**
     * dct2d (LoFormer's DCT of a whole feature map): x [N,C,H,W]; each (n, c) plane becomes
     * {@code C_H x C_W^T}, or with {@code inverse} {@code C_H^T x C_W}, where C_n is the orthonormal DCT-II
     * basis ({@code C[0][j] = sqrt(1/n)}, {@code C[k][j] = sqrt(2/n) cos(pi k (2j+1) / 2n)}) computed in double
     * and rounded to float, as the official code builds it. out [N,C,H,W] must not alias x.
     */
    void dct2d(Tensor out, Tensor x, boolean inverse);

    /**
     * window_channel_attention (LoFormer's 'channel_mlp' attention after its depthwise conv): qkv [N,3C,H,W]
     * holds q, k, v as its channel thirds, each cut into h = temperature.length heads of d = C/h channels.
     * H and W are reflect-padded right and bottom to multiples of 8 (each pad smaller than the side); in each
     * 8x8 window and head, with q, k, v the d x 64 matrices of the window (positions row-major),
     * {@code O = softmax_rows(q k^T * temperature[head]) v}, times {@code GELU(v mlpWeight^T + mlpBias)} (a
     * Linear over the 64 positions, mlpWeight [64,64], mlpBias [64]). out [N,C,H,W] is O with the padding
     * cropped; it must not alias qkv.
     */
    void windowChannelAttention(Tensor out, Tensor qkv, Tensor temperature, Tensor mlpWeight, Tensor mlpBias);

    /**
     * patch_fft_filter (FFTformer's DFFN filter): x [N,C,H,W] with H and W multiples of 8 is cut into 8x8
     * patches aligned to the top-left; each patch of channel c becomes irfft2(rfft2(patch) * filter[c], s=(8,8))
     * with PyTorch's semantics (forward unscaled, inverse /64, the imaginary parts of the half spectrum's
     * first and last columns dropped). filter [C,8,5] is real (the checkpoint's [C,1,1,8,5] without its unit
     * dims). out [N,C,H,W] must not alias x.
     */
    void patchFftFilter(Tensor out, Tensor x, Tensor filter);

    /**
     * fsas_attention (FFTformer's FSAS after its depthwise conv): q, k, v [N,C,H,W] (H, W multiples of 8; the
     * channel thirds of FSAS's hidden map); per 8x8 patch and channel o = irfft2(rfft2(q) * rfft2(k)) (the
     * circular convolution of the q and k patches), then out = v * LayerNorm_C(o) at each pixel: (o - mean) /
     * sqrt(var + eps) * weight[c] + bias[c] over the C channels, biased variance; weight and bias may be null
     * (no affine). q, k and v are separate tensors so that the three need not exist as one map of 3C channels
     * beside the map they are made from. out [N,C,H,W] must not alias q, k or v.
     */
    void fsasAttention(Tensor out, Tensor q, Tensor k, Tensor v, Tensor weight, Tensor bias, float eps);

    /**
     * depthwise_conv2d: out[n,c] = conv(x[n,c], weight[c,0]) + bias[c], weight [C,1,k,k] with k odd, stride 1,
     * zero padding k/2 (same size); bias may be null. out must not alias x.
     */
    void depthwiseConv2d(Tensor out, Tensor x, Tensor weight, Tensor bias);

    /** gelu_gate: x [N,2C,...] -> out [N,C,...] = GELU(x[:, :C]) * x[:, C:] (exact erf GELU). */
    void geluGate(Tensor out, Tensor x);

    /**
     * bias_free_layer_norm over channels of x [N,C,...]: out = x / sqrt(var + eps) * weight[c], var the biased
     * variance of the C values at each (n, position); x is not centred (FFTformer's BiasFree LayerNorm).
     * weight [C] is required; out may be x.
     */
    void biasFreeLayerNorm(Tensor out, Tensor x, Tensor weight, float eps);

    /** Releases what the backend holds (threads, device memory). */
    @Override
    void close();
}

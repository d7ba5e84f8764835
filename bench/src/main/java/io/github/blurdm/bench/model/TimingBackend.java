package io.github.blurdm.bench.model;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Device;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.PriorSamplerParams;
import io.github.blurdm.runtime.Tensor;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A backend that times every op of another (wall clock per call; the CPU backend is synchronous),
 * for the whole-model breakdown. Allocation is timed as its own line. Not thread-safe.
 */
public final class TimingBackend implements Backend {
    private final Backend b;
    private final Map<Op, long[]> times = new EnumMap<>(Op.class);
    private final Map<String, long[]> convShapes = new LinkedHashMap<>();
    private long allocNanos;

    public TimingBackend(Backend inner) {
        this.b = inner;
    }

    /** Per op: {total nanoseconds, calls}. */
    public Map<Op, long[]> times() {
        return times;
    }

    /**
     * Per conv2d shape ("cin->cout kHxkW sS HxW -> HoxWo, groups g"), in first-call order:
     * {total nanoseconds, calls, multiply-adds per call}.
     */
    public Map<String, long[]> convShapes() {
        return convShapes;
    }

    public long allocationNanos() {
        return allocNanos;
    }

    public void reset() {
        times.clear();
        convShapes.clear();
        allocNanos = 0;
    }

    private void add(Op op, long t0) {
        long[] v = times.computeIfAbsent(op, k -> new long[2]);
        v[0] += System.nanoTime() - t0;
        v[1]++;
    }

    @Override
    public String name() {
        return b.name();
    }

    @Override
    public Device device() {
        return b.device();
    }

    @Override
    public boolean supports(Op op) {
        return b.supports(op);
    }

    @Override
    public Tensor allocate(int... shape) {
        long t0 = System.nanoTime();
        Tensor t = b.allocate(shape);
        allocNanos += System.nanoTime() - t0;
        return t;
    }

    @Override
    public long availableMemory() {
        return b.availableMemory();
    }

    @Override
    public void release(Tensor t) {
        b.release(t);
    }

    @Override
    public Tensor upload(Tensor host) {
        return b.upload(host);
    }

    @Override
    public Tensor download(Tensor t) {
        return b.download(t);
    }

    @Override
    public void conv2d(Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        long t0 = System.nanoTime();
        b.conv2d(out, x, weight, bias, p);
        add(Op.CONV2D, t0);
        String key = x.dim(1) + "->" + out.dim(1) + " " + weight.dim(2) + "x" + weight.dim(3) + " s" + p.strideH() + " "
                + x.dim(2) + "x" + x.dim(3) + " -> " + out.dim(2) + "x" + out.dim(3) + ", groups " + p.groups();
        long[] v = convShapes.computeIfAbsent(key, k -> new long[] {0, 0,
            (long) out.dim(0) * out.dim(1) * out.dim(2) * out.dim(3) * weight.dim(1) * weight.dim(2) * weight.dim(3)});
        v[0] += System.nanoTime() - t0;
        v[1]++;
    }

    @Override
    public void convTranspose2d(Tensor out, Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams p) {
        long t0 = System.nanoTime();
        b.convTranspose2d(out, x, weight, bias, p);
        add(Op.CONV_TRANSPOSE2D, t0);
    }

    @Override
    public void relu(Tensor out, Tensor x) {
        long t0 = System.nanoTime();
        b.relu(out, x);
        add(Op.RELU, t0);
    }

    @Override
    public void leakyRelu(Tensor out, Tensor x, float slope) {
        long t0 = System.nanoTime();
        b.leakyRelu(out, x, slope);
        add(Op.LEAKY_RELU, t0);
    }

    @Override
    public void gelu(Tensor out, Tensor x) {
        long t0 = System.nanoTime();
        b.gelu(out, x);
        add(Op.GELU, t0);
    }

    @Override
    public void add(Tensor out, Tensor a, Tensor c) {
        long t0 = System.nanoTime();
        b.add(out, a, c);
        add(Op.ADD, t0);
    }

    @Override
    public void mul(Tensor out, Tensor a, Tensor c) {
        long t0 = System.nanoTime();
        b.mul(out, a, c);
        add(Op.MUL, t0);
    }

    @Override
    public void channelAffine(Tensor out, Tensor x, Tensor scale, Tensor shift) {
        long t0 = System.nanoTime();
        b.channelAffine(out, x, scale, shift);
        add(Op.CHANNEL_AFFINE, t0);
    }

    @Override
    public void concat(Tensor out, Tensor... inputs) {
        long t0 = System.nanoTime();
        b.concat(out, inputs);
        add(Op.CONCAT, t0);
    }

    @Override
    public void sliceChannels(Tensor out, Tensor x, int start) {
        long t0 = System.nanoTime();
        b.sliceChannels(out, x, start);
        add(Op.SLICE_CHANNELS, t0);
    }

    @Override
    public void downsampleNearest2(Tensor out, Tensor x) {
        long t0 = System.nanoTime();
        b.downsampleNearest2(out, x);
        add(Op.DOWNSAMPLE_NEAREST2, t0);
    }

    @Override
    public void upsampleNearest2(Tensor out, Tensor x) {
        long t0 = System.nanoTime();
        b.upsampleNearest2(out, x);
        add(Op.UPSAMPLE_NEAREST2, t0);
    }

    @Override
    public void resizeBilinear(Tensor out, Tensor x, float ratioH, float ratioW) {
        long t0 = System.nanoTime();
        b.resizeBilinear(out, x, ratioH, ratioW);
        add(Op.RESIZE_BILINEAR, t0);
    }

    @Override
    public void pixelUnshuffle(Tensor out, Tensor x, int r) {
        long t0 = System.nanoTime();
        b.pixelUnshuffle(out, x, r);
        add(Op.PIXEL_UNSHUFFLE, t0);
    }

    @Override
    public void pixelShuffle(Tensor out, Tensor x, int r) {
        long t0 = System.nanoTime();
        b.pixelShuffle(out, x, r);
        add(Op.PIXEL_SHUFFLE, t0);
    }

    @Override
    public void reflectPad(Tensor out, Tensor x, int top, int bottom, int left, int right) {
        long t0 = System.nanoTime();
        b.reflectPad(out, x, top, bottom, left, right);
        add(Op.REFLECT_PAD, t0);
    }

    @Override
    public void globalAvgPool(Tensor out, Tensor x) {
        long t0 = System.nanoTime();
        b.globalAvgPool(out, x);
        add(Op.GLOBAL_AVG_POOL, t0);
    }

    @Override
    public void linear(Tensor out, Tensor x, Tensor weight, Tensor bias, Activation act) {
        long t0 = System.nanoTime();
        b.linear(out, x, weight, bias, act);
        add(Op.LINEAR, t0);
    }

    @Override
    public void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) {
        long t0 = System.nanoTime();
        b.layerNorm(out, x, weight, bias, eps);
        add(Op.LAYER_NORM, t0);
    }

    @Override
    public void softmax(Tensor out, Tensor x) {
        long t0 = System.nanoTime();
        b.softmax(out, x);
        add(Op.SOFTMAX, t0);
    }

    @Override
    public void priorSampler(Tensor out, Tensor cond, Tensor noise, Tensor noiseModel, Tensor lcrModel, Tensor schedule,
                             PriorSamplerParams p) {
        long t0 = System.nanoTime();
        b.priorSampler(out, cond, noise, noiseModel, lcrModel, schedule, p);
        add(Op.PRIOR_SAMPLER, t0);
    }

    @Override
    public void attention(Tensor out, Tensor qkv, int heads, float scale) {
        long t0 = System.nanoTime();
        b.attention(out, qkv, heads, scale);
        add(Op.ATTENTION, t0);
    }

    @Override
    public void permute(Tensor out, Tensor x, int... dims) {
        long t0 = System.nanoTime();
        b.permute(out, x, dims);
        add(Op.PERMUTE, t0);
    }

    @Override
    public void dct2d(Tensor out, Tensor x, boolean inverse) {
        long t0 = System.nanoTime();
        b.dct2d(out, x, inverse);
        add(Op.DCT2D, t0);
    }

    @Override
    public void windowChannelAttention(Tensor out, Tensor qkv, Tensor temperature, Tensor mlpWeight, Tensor mlpBias) {
        long t0 = System.nanoTime();
        b.windowChannelAttention(out, qkv, temperature, mlpWeight, mlpBias);
        add(Op.WINDOW_CHANNEL_ATTENTION, t0);
    }

    @Override
    public void close() {
        b.close();
    }

    @Override
    public void patchFftFilter(Tensor out, Tensor x, Tensor filter) {
        long t0 = System.nanoTime();
        b.patchFftFilter(out, x, filter);
        add(Op.PATCH_FFT_FILTER, t0);
    }

    @Override
    public void fsasAttention(Tensor out, Tensor q, Tensor k, Tensor v, Tensor weight, Tensor bias, float eps) {
        long t0 = System.nanoTime();
        b.fsasAttention(out, q, k, v, weight, bias, eps);
        add(Op.FSAS_ATTENTION, t0);
    }

    @Override
    public void depthwiseConv2d(Tensor out, Tensor x, Tensor weight, Tensor bias) {
        long t0 = System.nanoTime();
        b.depthwiseConv2d(out, x, weight, bias);
        add(Op.DEPTHWISE_CONV2D, t0);
    }

    @Override
    public void geluGate(Tensor out, Tensor x) {
        long t0 = System.nanoTime();
        b.geluGate(out, x);
        add(Op.GELU_GATE, t0);
    }

    @Override
    public void biasFreeLayerNorm(Tensor out, Tensor x, Tensor weight, float eps) {
        long t0 = System.nanoTime();
        b.biasFreeLayerNorm(out, x, weight, eps);
        add(Op.BIAS_FREE_LAYER_NORM, t0);
    }
}

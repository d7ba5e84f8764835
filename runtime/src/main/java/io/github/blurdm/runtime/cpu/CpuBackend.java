package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Device;
import io.github.blurdm.runtime.HostStorage;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.OpShapes;
import io.github.blurdm.runtime.PriorSamplerParams;
import io.github.blurdm.runtime.Tensor;
import java.util.Arrays;

/**
 * The CPU backend: every op in plain Java, multi-threaded over an outer index, with Vector API fast
 * paths where they pay (see {@link VectorSupport}). The scalar {@code <Op>Cpu} classes are the
 * reference every other implementation is tested against.
 *
 * <p>Thread count: the constructor argument, else the system property {@code blurdm.threads}, else
 * the number of available processors. One instance must not be called from several threads at once;
 * create one per thread (they are cheap) or synchronise.
 */
public final class CpuBackend implements Backend {
    private final Parallel par;
    private final boolean vector;
    private final ArrayPool pool = new ArrayPool(Runtime.getRuntime().maxMemory() / 4);

    /** A backend with the default thread count and the Vector API when available. */
    public CpuBackend() {
        this(defaultThreads(), true);
    }

    /**
     * @param threads      worker threads (>= 1)
     * @param allowVector  use the Vector API paths when {@link VectorSupport#AVAILABLE}; false forces the
     *                     scalar reference loops
     */
    public CpuBackend(int threads, boolean allowVector) {
        this.par = new Parallel(threads);
        this.vector = allowVector && VectorSupport.AVAILABLE;
    }

    /** {@code blurdm.threads} if set, else the available processors. */
    public static int defaultThreads() {
        String s = System.getProperty("blurdm.threads");
        if (s != null && !s.isBlank()) {
            try {
                int t = Integer.parseInt(s.trim());
                if (t >= 1) {
                    return t;
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("blurdm.threads must be an integer >= 1, got '" + s + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** The number of worker threads ops are split over. */
    public int threads() {
        return par.threads();
    }

    /** Whether the Vector API fast paths are in use. */
    public boolean usesVector() {
        return vector;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Device device() {
        return Device.cpu();
    }

    @Override
    public boolean supports(Op op) {
        return true;
    }

    /** Contents are unspecified: arrays released earlier are reused (see {@link #release}). */
    @Override
    public Tensor allocate(int... shape) {
        return new Tensor(new HostStorage(pool.take((int) Tensor.checkedSize(shape))), shape);
    }

    @Override
    public void release(Tensor t) {
        if (t != null && t.storage() instanceof HostStorage h && h.data().length == t.size()) {
            pool.give(h.data());
        }
    }

    /** The array pool's counters ("N reused, M new, K MiB held"). */
    public String poolStats() {
        return pool.stats();
    }

    @Override
    public Tensor upload(Tensor host) {
        return Tensor.of(host.toArray(), host.shape());
    }

    @Override
    public Tensor download(Tensor t) {
        return Tensor.of(t.toArray(), t.shape());
    }

    private static void host(Op op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && !t.isHost()) {
                throw new IllegalArgumentException(op.id() + ": tensor " + Arrays.toString(t.shape()) + " lives on "
                        + t.device() + ", the CPU backend needs host tensors");
            }
        }
    }

    @Override
    public void conv2d(Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        OpShapes.requireOut(Op.CONV2D, out, OpShapes.conv2d(x, weight, bias, p));
        host(Op.CONV2D, out, x, weight, bias);
        if (vector) {
            Conv2dVector.forward(par, out, x, weight, bias, p);
        } else {
            Conv2dCpu.forward(par, out, x, weight, bias, p);
        }
    }

    @Override
    public void convTranspose2d(Tensor out, Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams p) {
        OpShapes.requireOut(Op.CONV_TRANSPOSE2D, out, OpShapes.convTranspose2d(x, weight, bias, p));
        host(Op.CONV_TRANSPOSE2D, out, x, weight, bias);
        if (vector) {
            ConvTranspose2dVector.forward(par, out, x, weight, bias, p);
        } else {
            ConvTranspose2dCpu.forward(par, out, x, weight, bias, p);
        }
    }

    @Override
    public void relu(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.RELU, out, OpShapes.unary(Op.RELU, x));
        host(Op.RELU, out, x);
        ReluCpu.forward(par, out, x);
    }

    @Override
    public void leakyRelu(Tensor out, Tensor x, float slope) {
        OpShapes.requireOut(Op.LEAKY_RELU, out, OpShapes.unary(Op.LEAKY_RELU, x));
        host(Op.LEAKY_RELU, out, x);
        LeakyReluCpu.forward(par, out, x, slope);
    }

    @Override
    public void gelu(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.GELU, out, OpShapes.unary(Op.GELU, x));
        host(Op.GELU, out, x);
        GeluCpu.forward(par, out, x);
    }

    @Override
    public void add(Tensor out, Tensor a, Tensor b) {
        OpShapes.requireOut(Op.ADD, out, OpShapes.binary(Op.ADD, a, b));
        host(Op.ADD, out, a, b);
        AddCpu.forward(par, out, a, b);
    }

    @Override
    public void mul(Tensor out, Tensor a, Tensor b) {
        OpShapes.requireOut(Op.MUL, out, OpShapes.binary(Op.MUL, a, b));
        host(Op.MUL, out, a, b);
        MulCpu.forward(par, out, a, b);
    }

    @Override
    public void channelAffine(Tensor out, Tensor x, Tensor scale, Tensor shift) {
        OpShapes.requireOut(Op.CHANNEL_AFFINE, out, OpShapes.channelAffine(x, scale, shift));
        host(Op.CHANNEL_AFFINE, out, x, scale, shift);
        ChannelAffineCpu.forward(par, out, x, scale, shift);
    }

    @Override
    public void concat(Tensor out, Tensor... inputs) {
        OpShapes.requireOut(Op.CONCAT, out, OpShapes.concat(inputs));
        host(Op.CONCAT, out);
        host(Op.CONCAT, inputs);
        ConcatCpu.forward(par, out, inputs);
    }

    @Override
    public void sliceChannels(Tensor out, Tensor x, int start) {
        if (out == null) {
            throw new IllegalArgumentException(Op.SLICE_CHANNELS.id() + ": out must not be null");
        }
        OpShapes.requireOut(Op.SLICE_CHANNELS, out, OpShapes.sliceChannels(x, start, out.rank() > 1 ? out.dim(1) : -1));
        host(Op.SLICE_CHANNELS, out, x);
        SliceChannelsCpu.forward(par, out, x, start);
    }

    @Override
    public void downsampleNearest2(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.DOWNSAMPLE_NEAREST2, out, OpShapes.downsampleNearest2(x));
        host(Op.DOWNSAMPLE_NEAREST2, out, x);
        DownsampleNearest2Cpu.forward(par, out, x);
    }

    @Override
    public void upsampleNearest2(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.UPSAMPLE_NEAREST2, out, OpShapes.upsampleNearest2(x));
        host(Op.UPSAMPLE_NEAREST2, out, x);
        UpsampleNearest2Cpu.forward(par, out, x);
    }

    @Override
    public void resizeBilinear(Tensor out, Tensor x, float ratioH, float ratioW) {
        OpShapes.resizeBilinear(out, x, ratioH, ratioW);
        host(Op.RESIZE_BILINEAR, out, x);
        ResizeBilinearCpu.forward(par, out, x, ratioH, ratioW);
    }

    @Override
    public void pixelUnshuffle(Tensor out, Tensor x, int r) {
        OpShapes.requireOut(Op.PIXEL_UNSHUFFLE, out, OpShapes.pixelUnshuffle(x, r));
        host(Op.PIXEL_UNSHUFFLE, out, x);
        PixelUnshuffleCpu.forward(par, out, x, r);
    }

    @Override
    public void pixelShuffle(Tensor out, Tensor x, int r) {
        OpShapes.requireOut(Op.PIXEL_SHUFFLE, out, OpShapes.pixelShuffle(x, r));
        host(Op.PIXEL_SHUFFLE, out, x);
        PixelShuffleCpu.forward(par, out, x, r);
    }

    @Override
    public void reflectPad(Tensor out, Tensor x, int top, int bottom, int left, int right) {
        OpShapes.requireOut(Op.REFLECT_PAD, out, OpShapes.reflectPad(x, top, bottom, left, right));
        host(Op.REFLECT_PAD, out, x);
        ReflectPadCpu.forward(par, out, x, top, left);
    }

    @Override
    public void globalAvgPool(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.GLOBAL_AVG_POOL, out, OpShapes.globalAvgPool(x));
        host(Op.GLOBAL_AVG_POOL, out, x);
        GlobalAvgPoolCpu.forward(par, out, x);
    }

    @Override
    public void linear(Tensor out, Tensor x, Tensor weight, Tensor bias, Activation act) {
        OpShapes.requireOut(Op.LINEAR, out, OpShapes.linear(x, weight, bias));
        host(Op.LINEAR, out, x, weight, bias);
        Activation a = act == null ? Activation.NONE : act;
        if (vector) {
            LinearVector.forward(par, out, x, weight, bias, a);
        } else {
            LinearCpu.forward(par, out, x, weight, bias, a);
        }
    }

    @Override
    public void layerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) {
        OpShapes.requireOut(Op.LAYER_NORM, out, OpShapes.layerNorm(x, weight, bias, eps));
        host(Op.LAYER_NORM, out, x, weight, bias);
        LayerNormCpu.forward(par, out, x, weight, bias, eps);
    }

    @Override
    public void softmax(Tensor out, Tensor x) {
        OpShapes.requireOut(Op.SOFTMAX, out, OpShapes.softmax(x));
        host(Op.SOFTMAX, out, x);
        SoftmaxCpu.forward(par, out, x);
    }

    @Override
    public void priorSampler(Tensor out, Tensor cond, Tensor noise, Tensor noiseModel, Tensor lcrModel,
                             Tensor schedule, PriorSamplerParams p) {
        OpShapes.requireOut(Op.PRIOR_SAMPLER, out, OpShapes.priorSampler(cond, noise, noiseModel, lcrModel, schedule, p));
        host(Op.PRIOR_SAMPLER, out, cond, noise, noiseModel, lcrModel, schedule);
        PriorSamplerCpu.forward(par, out, cond, noise, noiseModel, lcrModel, schedule, p);
    }

    @Override
    public void close() {
        pool.clear();
        par.close();
    }
}

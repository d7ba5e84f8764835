package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.AbstractBackend;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Device;
import io.github.blurdm.runtime.HostStorage;
import io.github.blurdm.runtime.Op;
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
public final class CpuBackend extends AbstractBackend {
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

    /**
     * Contents are unspecified: arrays released earlier are reused (see {@link #release}), and the
     * tensor's array may be longer than its size (elements past {@code size()} belong to no one).
     */
    @Override
    public Tensor allocate(int... shape) {
        return new Tensor(new HostStorage(pool.take((int) Tensor.checkedSize(shape))), shape);
    }

    @Override
    public void release(Tensor t) {
        if (t != null && t.storage() instanceof HostStorage h) {
            pool.give(h.data());
        }
    }

    /** Heap the JVM may still grow into, plus the arrays pooled for reuse. */
    @Override
    public long availableMemory() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()) + pool.heldBytes();
    }

    /** The array pool's counters ("N reused, M new (X MiB), E evicted, K MiB held"). */
    public String poolStats() {
        return pool.stats();
    }

    /** The copy comes from the array pool: an input uploaded per image and released is reused, not hoarded. */
    @Override
    public Tensor upload(Tensor host) {
        Tensor t = allocate(host.shape());
        System.arraycopy(host.data(), 0, t.data(), 0, t.size());
        return t;
    }

    @Override
    public Tensor download(Tensor t) {
        return Tensor.of(t.toArray(), t.shape());
    }

    @Override
    protected void requireResident(Op op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && !t.isHost()) {
                throw new IllegalArgumentException(op.id() + ": tensor " + Arrays.toString(t.shape()) + " lives on "
                        + t.device() + ", the CPU backend needs host tensors");
            }
        }
    }

    @Override
    protected void doConv2d(Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        if (vector) {
            Conv2dVector.forward(par, out, x, weight, bias, p);
        } else {
            Conv2dCpu.forward(par, out, x, weight, bias, p);
        }
    }

    @Override
    protected void doConvTranspose2d(Tensor out, Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams p) {
        if (vector) {
            ConvTranspose2dVector.forward(par, out, x, weight, bias, p);
        } else {
            ConvTranspose2dCpu.forward(par, out, x, weight, bias, p);
        }
    }

    @Override
    protected void doRelu(Tensor out, Tensor x) {
        ReluCpu.forward(par, out, x);
    }

    @Override
    protected void doLeakyRelu(Tensor out, Tensor x, float slope) {
        LeakyReluCpu.forward(par, out, x, slope);
    }

    @Override
    protected void doGelu(Tensor out, Tensor x) {
        if (vector) {
            GeluVector.forward(par, out, x);
        } else {
            GeluCpu.forward(par, out, x);
        }
    }

    @Override
    protected void doAdd(Tensor out, Tensor a, Tensor b) {
        AddCpu.forward(par, out, a, b);
    }

    @Override
    protected void doMul(Tensor out, Tensor a, Tensor b) {
        MulCpu.forward(par, out, a, b);
    }

    @Override
    protected void doChannelAffine(Tensor out, Tensor x, Tensor scale, Tensor shift) {
        ChannelAffineCpu.forward(par, out, x, scale, shift);
    }

    @Override
    protected void doConcat(Tensor out, Tensor... inputs) {
        ConcatCpu.forward(par, out, inputs);
    }

    @Override
    protected void doSliceChannels(Tensor out, Tensor x, int start) {
        SliceChannelsCpu.forward(par, out, x, start);
    }

    @Override
    protected void doDownsampleNearest2(Tensor out, Tensor x) {
        DownsampleNearest2Cpu.forward(par, out, x);
    }

    @Override
    protected void doUpsampleNearest2(Tensor out, Tensor x) {
        UpsampleNearest2Cpu.forward(par, out, x);
    }

    @Override
    protected void doResizeBilinear(Tensor out, Tensor x, float ratioH, float ratioW) {
        ResizeBilinearCpu.forward(par, out, x, ratioH, ratioW);
    }

    @Override
    protected void doPixelUnshuffle(Tensor out, Tensor x, int r) {
        PixelUnshuffleCpu.forward(par, out, x, r);
    }

    @Override
    protected void doPixelShuffle(Tensor out, Tensor x, int r) {
        PixelShuffleCpu.forward(par, out, x, r);
    }

    @Override
    protected void doReflectPad(Tensor out, Tensor x, int top, int bottom, int left, int right) {
        ReflectPadCpu.forward(par, out, x, top, left);
    }

    @Override
    protected void doGlobalAvgPool(Tensor out, Tensor x) {
        GlobalAvgPoolCpu.forward(par, out, x);
    }

    @Override
    protected void doLinear(Tensor out, Tensor x, Tensor weight, Tensor bias, Activation act) {
        if (vector) {
            LinearVector.forward(par, out, x, weight, bias, act);
        } else {
            LinearCpu.forward(par, out, x, weight, bias, act);
        }
    }

    @Override
    protected void doLayerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) {
        LayerNormCpu.forward(par, out, x, weight, bias, eps);
    }

    @Override
    protected void doSoftmax(Tensor out, Tensor x) {
        SoftmaxCpu.forward(par, out, x);
    }

    @Override
    protected void doPriorSampler(Tensor out, Tensor cond, Tensor noise, Tensor noiseModel, Tensor lcrModel,
                             Tensor schedule, PriorSamplerParams p) {
        PriorSamplerCpu.forward(par, out, cond, noise, noiseModel, lcrModel, schedule, p);
    }

    @Override
    protected void doDct2d(Tensor out, Tensor x, boolean inverse) {
        if (vector) {
            Dct2dVector.forward(par, out, x, inverse);
        } else {
            Dct2dCpu.forward(par, out, x, inverse);
        }
    }

    @Override
    protected void doWindowChannelAttention(Tensor out, Tensor qkv, Tensor temperature, Tensor mlpWeight,
                                            Tensor mlpBias) {
        if (vector) {
            WindowChannelAttentionVector.forward(par, out, qkv, temperature, mlpWeight, mlpBias);
        } else {
            WindowChannelAttentionCpu.forward(par, out, qkv, temperature, mlpWeight, mlpBias);
        }
    }

    @Override
    protected void doPatchFftFilter(Tensor out, Tensor x, Tensor filter) {
        if (vector && PatchFftFilterVector.applies()) {
            PatchFftFilterVector.forward(par, out, x, filter);
        } else {
            PatchFftFilterCpu.forward(par, out, x, filter);
        }
    }

    @Override
    protected void doFsasAttention(Tensor out, Tensor q, Tensor k, Tensor v, Tensor weight, Tensor bias, float eps) {
        if (vector && FsasAttentionVector.applies()) {
            FsasAttentionVector.forward(par, out, q, k, v, weight, bias, eps);
        } else {
            FsasAttentionCpu.forward(par, out, q, k, v, weight, bias, eps);
        }
    }

    @Override
    protected void doDepthwiseConv2d(Tensor out, Tensor x, Tensor weight, Tensor bias) {
        if (vector) {
            DepthwiseConv2dVector.forward(par, out, x, weight, bias);
        } else {
            DepthwiseConv2dCpu.forward(par, out, x, weight, bias);
        }
    }

    @Override
    protected void doGeluGate(Tensor out, Tensor x) {
        if (vector) {
            GeluGateVector.forward(par, out, x);
        } else {
            GeluGateCpu.forward(par, out, x);
        }
    }

    @Override
    protected void doBiasFreeLayerNorm(Tensor out, Tensor x, Tensor weight, float eps) {
        BiasFreeLayerNormCpu.forward(par, out, x, weight, eps);
    }

    @Override
    public void close() {
        pool.clear();
        par.close();
    }

    @Override
    protected void doAttention(Tensor out, Tensor qkv, int heads, float scale) {
        if (vector) {
            AttentionVector.forward(par, out, qkv, heads, scale);
        } else {
            AttentionCpu.forward(par, out, qkv, heads, scale);
        }
    }

    @Override
    protected void doPermute(Tensor out, Tensor x, int[] dims) {
        PermuteCpu.forward(par, out, x, dims);
    }
}

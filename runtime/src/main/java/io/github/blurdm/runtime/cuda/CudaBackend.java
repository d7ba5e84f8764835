package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.AbstractBackend;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Device;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.PriorSamplerParams;
import io.github.blurdm.runtime.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The CUDA backend: one device behind a {@link CudaDriver} (a GPU through JCuda, or the emulated
 * device that runs the same kernels on the CPU), every op a kernel from the {@code kernels} module,
 * compiled on first use and cached; device memory from a caching allocator ({@link DeviceAllocator}).
 * Ops are asynchronous on a GPU: {@link #download} and {@link #synchronize} wait for them. With
 * {@code -Dblurdm.cuda.sync=true} every launch is followed by a synchronisation so a fault names the
 * kernel that caused it.
 *
 * <p>Kernel versions: each op's launcher ({@code <Op>Cuda}) has a DEFAULT_VERSION; the system
 * property {@code blurdm.kernel.<op>=N} or {@link #useVersion} overrides it.
 *
 * <p>Not thread-safe: one thread at a time (each call makes the device current on the calling thread).
 */
public final class CudaBackend extends AbstractBackend {
    private final Device device;
    private final CudaDriver driver;
    private final boolean emulated;
    private final DeviceAllocator allocator;
    private final Map<Op, Integer> forced = new EnumMap<>(Op.class);
    private final boolean syncEachLaunch = Boolean.getBoolean("blurdm.cuda.sync");
    private boolean closed;
    /** Device copies of host constants (the DCT bases), by name; freed with the backend. */
    private final Map<String, Tensor> constants = new java.util.HashMap<>();

    /** Device 0. */
    public CudaBackend() {
        this(0);
    }

    /** Throws {@link CudaException} saying why when CUDA is not usable here. */
    public CudaBackend(int deviceIndex) {
        this(new NativeCudaDriver(deviceIndex), false);
    }

    private CudaBackend(CudaDriver driver, boolean emulated) {
        this.driver = driver;
        this.emulated = emulated;
        this.device = Device.cuda(driver.info().index());
        this.allocator = new DeviceAllocator(driver, this::synchronize);
    }

    /**
     * The emulated device: the same kernels and launches, compiled by the host C++ compiler and run
     * on the CPU with checks a GPU does not make (NaN-poisoned memory, guard zones, shuffled block and
     * thread order). For tests and debugging; slow. Throws {@link CudaException} saying why when it
     * cannot start here (see {@link CudaSupport#emulatorStatus()}).
     */
    public static CudaBackend emulated() {
        return new CudaBackend(EmulatedCudaDriver.start(), true);
    }

    /** Whether the device failed for good (the emulated device's process died): tests start a new one. */
    boolean deviceLost() {
        return driver.lost();
    }

    /** Whether this backend runs on the emulated device rather than a GPU. */
    public boolean isEmulated() {
        return emulated;
    }

    /** The on-disk kernel cache folder ({@code blurdm.cache.dir}, else the user cache directory). */
    public static Path cacheDir() {
        return KernelCompiler.defaultCacheDir();
    }

    @Override
    public String name() {
        return device + (emulated ? " (emulated)" : "");
    }

    @Override
    public Device device() {
        return device;
    }

    /** The device as the driver describes it. */
    public CudaSupport.DeviceInfo deviceInfo() {
        return driver.info();
    }

    @Override
    public boolean supports(Op op) {
        return true;
    }

    /** Runs {@code op} with kernel {@code version} on this backend from now on (tests, benchmarks); 0 clears it. */
    public CudaBackend useVersion(Op op, int version) {
        if (version == 0) {
            forced.remove(op);
        } else {
            if (version < 1 || version > versions(op)) {
                throw new IllegalArgumentException(op.id() + " has kernel versions 1.." + versions(op) + ", got " + version);
            }
            forced.put(op, version);
        }
        return this;
    }

    /** How many kernel versions {@code op} has. */
    public static int versions(Op op) {
        return KernelVersion.versions(op);
    }

    /** The kernel version {@code op} runs when neither {@link #useVersion} nor a system property overrides it. */
    public static int defaultVersion(Op op) {
        return KernelVersion.defaultVersion(op);
    }

    Integer forcedVersion(Op op) {
        return forced.get(op);
    }

    DeviceAllocator allocator() {
        return allocator;
    }

    /** Memory counters of this backend's allocator. */
    public DeviceAllocator.Stats memoryStats() {
        return allocator.stats();
    }

    /**
     * Kernel cache counters since creation.
     *
     * @param target        what NVRTC compiles for: "sm_90" (CUBIN for this device) or "compute_86" (PTX)
     * @param modulesLoaded modules (one per kernel file and option set) loaded into the context
     * @param compiled      modules compiled by NVRTC
     * @param diskHits      modules read from the on-disk cache instead
     * @param dir           the on-disk cache folder ({@link #cacheDir()})
     */
    public record CacheStats(String target, int modulesLoaded, long compiled, long diskHits, Path dir) {
        @Override
        public String toString() {
            return "target " + target + ", " + modulesLoaded + " modules loaded, " + compiled + " compiled, "
                    + diskHits + " from " + dir;
        }
    }

    /** Kernel modules compiled by NVRTC, read from the disk cache, and loaded, since creation. */
    public CacheStats cacheStats() {
        return driver.cacheStats();
    }

    /** {@link #cacheStats()} as one line, for logs. */
    public String kernelCacheStats() {
        return cacheStats().toString();
    }

    private void current() {
        if (closed) {
            throw new IllegalStateException(name() + " backend is closed");
        }
        driver.bind();
    }

    /** Waits until every queued op has finished. */
    public void synchronize() {
        driver.synchronize();
    }

    /**
     * Times the work that {@code work} queues on this backend: on a GPU, CUDA events before and after
     * it on the stream (about half a microsecond resolution; host time inside {@code work} counts only
     * where the GPU had to wait for it); on the emulated device, wall-clock time of the emulation,
     * which says nothing about a GPU. For benchmarks.
     */
    public float timeMillis(Runnable work) {
        current();
        return driver.timeMillis(work);
    }

    @Override
    public Tensor allocate(int... shape) {
        current();
        long n = Tensor.checkedSize(shape);
        DevicePointer p = allocator.allocate(n * 4);
        return new Tensor(new CudaStorage(this, p, n), shape);
    }

    /** Free device memory (cuMemGetInfo) plus the blocks the caching allocator holds for reuse. */
    @Override
    public long availableMemory() {
        current();
        return driver.memoryInfo().free() + allocator.stats().cachedBytes();
    }

    /** Returns the tensor's device memory to the caching allocator (closing it). */
    @Override
    public void release(Tensor t) {
        if (t != null && !t.isHost()) {
            t.close();
        }
    }

    /**
     * A device tensor holding {@code values.get()} (computed and uploaded on first use of {@code key}), kept
     * until the backend closes; callers must not release or change it.
     */
    Tensor constant(String key, java.util.function.Supplier<float[]> values, int... shape) {
        Tensor t = constants.get(key);
        if (t == null) {
            t = upload(Tensor.of(values.get(), shape));
            constants.put(key, t);
        }
        return t;
    }

    @Override
    public Tensor upload(Tensor host) {
        if (!host.isHost()) {
            throw new IllegalArgumentException("upload needs a host tensor, got " + host);
        }
        Tensor t = allocate(host.shape());
        driver.upload(host.data(), host.size(), ptr(t));
        return t;
    }

    @Override
    public Tensor download(Tensor t) {
        current();
        float[] out = new float[t.size()];
        driver.download(dev(null, "tensor", t), t.size(), out);
        return Tensor.of(out, t.shape());
    }

    /** Sets every element of a tensor of this backend to {@code value} (NaN to poison outputs in tests). */
    public void fill(Tensor t, float value) {
        current();
        driver.memsetD32(dev(null, "tensor", t), Float.floatToRawIntBits(value), t.size());
    }

    static DevicePointer ptr(Tensor t) {
        return ((CudaStorage) t.storage()).pointer();
    }

    private DevicePointer dev(Op op, String name, Tensor t) {
        if (t.storage() instanceof CudaStorage cs && cs.owner() == this) {
            return cs.pointer();
        }
        throw new IllegalArgumentException((op == null ? "" : op.id() + ": ") + name + " " + Arrays.toString(t.shape())
                + " lives on " + t.device() + ", not on this backend (" + name() + "); upload it first");
    }

    /** Makes the context current and checks that every tensor lives on this backend. */
    @Override
    protected void requireResident(Op op, Tensor... ts) {
        current();
        for (Tensor t : ts) {
            if (t != null) {
                dev(op, "tensor", t);
            }
        }
    }

    /** Block count for {@code n} items at {@code per} items per block, capped (kernels loop over the rest). */
    static int blocks(long n, int per, int cap) {
        return (int) Math.max(1, Math.min(cap, (n + per - 1) / per));
    }

    /**
     * Launches {@code entry} of {@code file} compiled with {@code defines}. Arguments: tensors (their
     * device pointer), null (a NULL pointer), Integer, Long, Float, or a DevicePointer.
     */
    void launch(String file, List<String> defines, String entry, int gx, int gy, int gz, int bx, int by, int bz,
                Object... args) {
        launchShared(file, defines, entry, gx, gy, gz, bx, by, bz, 0, args);
    }

    /** {@link #launch} with {@code sharedBytes} of dynamic shared memory. */
    void launchShared(String file, List<String> defines, String entry, int gx, int gy, int gz, int bx, int by, int bz,
                      int sharedBytes, Object... args) {
        CudaDriver.Kernel k = driver.kernel(file, defines, entry);
        Object[] resolved = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            resolved[i] = args[i] instanceof Tensor t ? ptr(t) : args[i];
        }
        try {
            driver.launch(k, gx, gy, gz, bx, by, bz, sharedBytes, resolved);
            if (syncEachLaunch) {
                driver.synchronize();
            }
        } catch (CudaException e) {
            throw new CudaException("kernel " + entry + " (" + file + (defines.isEmpty() ? "" : " " + defines)
                    + ") grid (" + gx + "," + gy + "," + gz + ") block (" + bx + "," + by + "," + bz + ")"
                    + (sharedBytes > 0 ? " shared " + sharedBytes + " B" : "") + " on " + name() + ": "
                    + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------ ops

    @Override
    protected void doConv2d(Tensor out, Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        Conv2dCuda.launch(this, KernelVersion.pick(this, Op.CONV2D, Conv2dCuda.DEFAULT_VERSION, Conv2dCuda.VERSIONS),
                out, x, weight, bias, p);
    }

    @Override
    protected void doConvTranspose2d(Tensor out, Tensor x, Tensor weight, Tensor bias, ConvTranspose2dParams p) {
        ConvTranspose2dCuda.launch(this, KernelVersion.pick(this, Op.CONV_TRANSPOSE2D,
                ConvTranspose2dCuda.DEFAULT_VERSION, ConvTranspose2dCuda.VERSIONS), out, x, weight, bias, p);
    }

    @Override
    protected void doRelu(Tensor out, Tensor x) {
        ReluCuda.launch(this, KernelVersion.pick(this, Op.RELU, ReluCuda.DEFAULT_VERSION, ReluCuda.VERSIONS), out, x);
    }

    @Override
    protected void doLeakyRelu(Tensor out, Tensor x, float slope) {
        LeakyReluCuda.launch(this, KernelVersion.pick(this, Op.LEAKY_RELU, LeakyReluCuda.DEFAULT_VERSION,
                LeakyReluCuda.VERSIONS), out, x, slope);
    }

    @Override
    protected void doGelu(Tensor out, Tensor x) {
        GeluCuda.launch(this, KernelVersion.pick(this, Op.GELU, GeluCuda.DEFAULT_VERSION, GeluCuda.VERSIONS), out, x);
    }

    @Override
    protected void doAdd(Tensor out, Tensor a, Tensor b) {
        AddCuda.launch(this, KernelVersion.pick(this, Op.ADD, AddCuda.DEFAULT_VERSION, AddCuda.VERSIONS), out, a, b);
    }

    @Override
    protected void doMul(Tensor out, Tensor a, Tensor b) {
        MulCuda.launch(this, KernelVersion.pick(this, Op.MUL, MulCuda.DEFAULT_VERSION, MulCuda.VERSIONS), out, a, b);
    }

    @Override
    protected void doChannelAffine(Tensor out, Tensor x, Tensor scale, Tensor shift) {
        ChannelAffineCuda.launch(this, KernelVersion.pick(this, Op.CHANNEL_AFFINE, ChannelAffineCuda.DEFAULT_VERSION,
                ChannelAffineCuda.VERSIONS), out, x, scale, shift);
    }

    @Override
    protected void doConcat(Tensor out, Tensor... inputs) {
        ConcatCuda.launch(this, out, inputs);
    }

    @Override
    protected void doSliceChannels(Tensor out, Tensor x, int start) {
        SliceChannelsCuda.launch(this, out, x, start);
    }

    @Override
    protected void doDownsampleNearest2(Tensor out, Tensor x) {
        DownsampleNearest2Cuda.launch(this, out, x);
    }

    @Override
    protected void doUpsampleNearest2(Tensor out, Tensor x) {
        UpsampleNearest2Cuda.launch(this, out, x);
    }

    @Override
    protected void doResizeBilinear(Tensor out, Tensor x, float ratioH, float ratioW) {
        ResizeBilinearCuda.launch(this, out, x, ratioH, ratioW);
    }

    @Override
    protected void doPixelUnshuffle(Tensor out, Tensor x, int r) {
        PixelUnshuffleCuda.launch(this, out, x, r);
    }

    @Override
    protected void doPixelShuffle(Tensor out, Tensor x, int r) {
        PixelShuffleCuda.launch(this, out, x, r);
    }

    @Override
    protected void doReflectPad(Tensor out, Tensor x, int top, int bottom, int left, int right) {
        ReflectPadCuda.launch(this, out, x, top, left);
    }

    @Override
    protected void doGlobalAvgPool(Tensor out, Tensor x) {
        GlobalAvgPoolCuda.launch(this, KernelVersion.pick(this, Op.GLOBAL_AVG_POOL, GlobalAvgPoolCuda.DEFAULT_VERSION,
                GlobalAvgPoolCuda.VERSIONS), out, x);
    }

    @Override
    protected void doLinear(Tensor out, Tensor x, Tensor weight, Tensor bias, Activation act) {
        LinearCuda.launch(this, KernelVersion.pick(this, Op.LINEAR, LinearCuda.DEFAULT_VERSION, LinearCuda.VERSIONS),
                out, x, weight, bias, act);
    }

    @Override
    protected void doLayerNorm(Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) {
        LayerNormCuda.launch(this, KernelVersion.pick(this, Op.LAYER_NORM, LayerNormCuda.DEFAULT_VERSION,
                LayerNormCuda.VERSIONS), out, x, weight, bias, eps);
    }

    @Override
    protected void doSoftmax(Tensor out, Tensor x) {
        SoftmaxCuda.launch(this, KernelVersion.pick(this, Op.SOFTMAX, SoftmaxCuda.DEFAULT_VERSION, SoftmaxCuda.VERSIONS),
                out, x);
    }

    @Override
    protected void doPriorSampler(Tensor out, Tensor cond, Tensor noise, Tensor noiseModel, Tensor lcrModel,
                             Tensor schedule, PriorSamplerParams p) {
        PriorSamplerCuda.launch(this, KernelVersion.pick(this, Op.PRIOR_SAMPLER, PriorSamplerCuda.DEFAULT_VERSION,
                PriorSamplerCuda.VERSIONS), out, cond, noise, noiseModel, lcrModel, schedule, p);
    }

    @Override
    protected void doDct2d(Tensor out, Tensor x, boolean inverse) {
        Dct2dCuda.launch(this, KernelVersion.pick(this, Op.DCT2D, Dct2dCuda.DEFAULT_VERSION, Dct2dCuda.VERSIONS),
                out, x, inverse);
    }

    @Override
    protected void doWindowChannelAttention(Tensor out, Tensor qkv, Tensor temperature, Tensor mlpWeight,
                                            Tensor mlpBias) {
        WindowChannelAttentionCuda.launch(this, KernelVersion.pick(this, Op.WINDOW_CHANNEL_ATTENTION,
                WindowChannelAttentionCuda.DEFAULT_VERSION, WindowChannelAttentionCuda.VERSIONS), out, qkv,
                temperature, mlpWeight, mlpBias);
    }

    @Override
    protected void doPatchFftFilter(Tensor out, Tensor x, Tensor filter) {
        PatchFftFilterCuda.launch(this, KernelVersion.pick(this, Op.PATCH_FFT_FILTER, PatchFftFilterCuda.DEFAULT_VERSION,
                PatchFftFilterCuda.VERSIONS), out, x, filter);
    }

    @Override
    protected void doFsasAttention(Tensor out, Tensor q, Tensor k, Tensor v, Tensor weight, Tensor bias, float eps) {
        FsasAttentionCuda.launch(this, KernelVersion.pick(this, Op.FSAS_ATTENTION, FsasAttentionCuda.DEFAULT_VERSION,
                FsasAttentionCuda.VERSIONS), out, q, k, v, weight, bias, eps);
    }

    @Override
    protected void doDepthwiseConv2d(Tensor out, Tensor x, Tensor weight, Tensor bias) {
        DepthwiseConv2dCuda.launch(this, KernelVersion.pick(this, Op.DEPTHWISE_CONV2D,
                DepthwiseConv2dCuda.DEFAULT_VERSION, DepthwiseConv2dCuda.VERSIONS), out, x, weight, bias);
    }

    @Override
    protected void doGeluGate(Tensor out, Tensor x) {
        GeluGateCuda.launch(this, out, x);
    }

    @Override
    protected void doBiasFreeLayerNorm(Tensor out, Tensor x, Tensor weight, float eps) {
        BiasFreeLayerNormCuda.launch(this, KernelVersion.pick(this, Op.BIAS_FREE_LAYER_NORM,
                BiasFreeLayerNormCuda.DEFAULT_VERSION, BiasFreeLayerNormCuda.VERSIONS), out, x, weight, eps);
    }

    /** Frees device memory, then releases the device (modules, stream, context; the emulator's process). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            constants.clear();
            allocator.close();
        } finally {
            driver.close();
            closed = true;
        }
    }

    @Override
    protected void doAttention(Tensor out, Tensor qkv, int heads, float scale) {
        AttentionCuda.launch(this, KernelVersion.pick(this, Op.ATTENTION, AttentionCuda.DEFAULT_VERSION,
                AttentionCuda.VERSIONS), out, qkv, heads, scale);
    }

    @Override
    protected void doPermute(Tensor out, Tensor x, int[] dims) {
        PermuteCuda.launch(this, KernelVersion.pick(this, Op.PERMUTE, PermuteCuda.DEFAULT_VERSION, PermuteCuda.VERSIONS),
                out, x, dims);
    }
}

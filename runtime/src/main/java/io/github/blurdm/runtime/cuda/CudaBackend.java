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
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA backend: one device, its primary context and one non-blocking stream; every op a kernel
 * from the {@code kernels} module, compiled by NVRTC for the device on first use and cached
 * ({@link KernelCompiler}); device memory from a caching allocator ({@link DeviceAllocator});
 * host copies through pinned staging buffers. Ops are asynchronous: {@link #download} and
 * {@link #synchronize} wait for them. With {@code -Dblurdm.cuda.sync=true} every launch is
 * followed by a synchronisation so a fault names the kernel that caused it.
 *
 * <p>Kernel versions: each op's launcher ({@code <Op>Cuda}) has a DEFAULT_VERSION; the system
 * property {@code blurdm.kernel.<op>=N} or {@link #useVersion} overrides it.
 *
 * <p>Not thread-safe: one thread at a time (each call makes the context current on the calling thread).
 */
public final class CudaBackend extends AbstractBackend {
    private final Device device;
    private final CudaSupport.DeviceInfo info;
    private final CUdevice cuDevice = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final DeviceAllocator allocator;
    private final KernelCompiler compiler;
    private final PinnedStaging staging;
    private final Map<Op, Integer> forced = new EnumMap<>(Op.class);
    private final boolean syncEachLaunch = Boolean.getBoolean("blurdm.cuda.sync");
    private CUevent timerStart;
    private CUevent timerStop;
    private boolean closed;

    /** Device 0. */
    public CudaBackend() {
        this(0);
    }

    /** Throws {@link CudaException} saying why when CUDA is not usable here. */
    public CudaBackend(int deviceIndex) {
        CudaSupport.Status s = CudaSupport.status();
        if (!s.usable()) {
            throw new CudaException("CUDA backend unavailable: " + s.reason());
        }
        if (deviceIndex < 0 || deviceIndex >= s.devices().size()) {
            throw new IllegalArgumentException("CUDA device " + deviceIndex + " does not exist; found "
                    + s.devices().size() + " device(s)");
        }
        this.device = Device.cuda(deviceIndex);
        this.info = s.devices().get(deviceIndex);
        Cu.check(JCudaDriver.cuDeviceGet(cuDevice, deviceIndex), "cuDeviceGet(" + deviceIndex + ")");
        Cu.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, cuDevice), "cuDevicePrimaryCtxRetain(" + deviceIndex + ")");
        Cu.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        Cu.check(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        this.allocator = new DeviceAllocator(this::synchronize);
        this.compiler = new KernelCompiler(info.major(), info.minor(), s.nvrtcVersion(), CudaSupport.nvcc(),
                KernelCompiler.defaultCacheDir());
        this.staging = new PinnedStaging(stream);
    }

    /** The on-disk kernel cache folder ({@code blurdm.cache.dir}, else the user cache directory). */
    public static Path cacheDir() {
        return KernelCompiler.defaultCacheDir();
    }

    @Override
    public String name() {
        return device.toString();
    }

    @Override
    public Device device() {
        return device;
    }

    /** The device as the driver describes it. */
    public CudaSupport.DeviceInfo deviceInfo() {
        return info;
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
        return new CacheStats(compiler.target(), compiler.modulesLoaded(), compiler.compiled.get(),
                compiler.diskHits.get(), cacheDir());
    }

    /** {@link #cacheStats()} as one line, for logs. */
    public String kernelCacheStats() {
        return cacheStats().toString();
    }

    private void current() {
        if (closed) {
            throw new IllegalStateException(name() + " backend is closed");
        }
        Cu.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Waits until every queued op has finished. */
    public void synchronize() {
        Cu.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        Cu.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /**
     * Times the GPU work that {@code work} queues on this backend's stream: records a CUDA event
     * before and one after it, waits for the second and returns the milliseconds between them (the
     * driver's resolution is about half a microsecond). Work queued before the call is not counted;
     * host time inside {@code work} counts only where the GPU had to wait for it. For benchmarks.
     */
    public float timeMillis(Runnable work) {
        current();
        if (timerStart == null) {
            CUevent a = new CUevent();
            CUevent b = new CUevent();
            Cu.check(JCudaDriver.cuEventCreate(a, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
            Cu.check(JCudaDriver.cuEventCreate(b, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
            timerStart = a;
            timerStop = b;
        }
        Cu.check(JCudaDriver.cuEventRecord(timerStart, stream), "cuEventRecord");
        work.run();
        Cu.check(JCudaDriver.cuEventRecord(timerStop, stream), "cuEventRecord");
        Cu.check(JCudaDriver.cuEventSynchronize(timerStop), "cuEventSynchronize");
        float[] ms = new float[1];
        Cu.check(JCudaDriver.cuEventElapsedTime(ms, timerStart, timerStop), "cuEventElapsedTime");
        return ms[0];
    }

    @Override
    public Tensor allocate(int... shape) {
        current();
        long n = Tensor.checkedSize(shape);
        CUdeviceptr p = allocator.allocate(n * 4);
        return new Tensor(new CudaStorage(this, p, n), shape);
    }

    /** Free device memory (cuMemGetInfo) plus the blocks the caching allocator holds for reuse. */
    @Override
    public long availableMemory() {
        current();
        long[] free = new long[1];
        long[] total = new long[1];
        Cu.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return free[0] + allocator.stats().cachedBytes();
    }

    /** Returns the tensor's device memory to the caching allocator (closing it). */
    @Override
    public void release(Tensor t) {
        if (t != null && !t.isHost()) {
            t.close();
        }
    }

    @Override
    public Tensor upload(Tensor host) {
        if (!host.isHost()) {
            throw new IllegalArgumentException("upload needs a host tensor, got " + host);
        }
        Tensor t = allocate(host.shape());
        staging.upload(host.data(), host.size(), ptr(t));
        return t;
    }

    @Override
    public Tensor download(Tensor t) {
        current();
        float[] out = new float[t.size()];
        staging.download(dev(null, "tensor", t), t.size(), out);
        return Tensor.of(out, t.shape());
    }

    /** Sets every element of a tensor of this backend to {@code value} (NaN to poison outputs in tests). */
    public void fill(Tensor t, float value) {
        current();
        Cu.check(JCudaDriver.cuMemsetD32Async(ptr(t), Float.floatToRawIntBits(value), t.size(), stream),
                "cuMemsetD32Async(" + t + ")");
    }

    static CUdeviceptr ptr(Tensor t) {
        return ((CudaStorage) t.storage()).pointer();
    }

    private CUdeviceptr dev(Op op, String name, Tensor t) {
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
     * device pointer), null (a NULL pointer), Integer, Float, or a CUdeviceptr.
     */
    void launch(String file, List<String> defines, String entry, int gx, int gy, int gz, int bx, int by, int bz,
                Object... args) {
        launchShared(file, defines, entry, gx, gy, gz, bx, by, bz, 0, args);
    }

    /** {@link #launch} with {@code sharedBytes} of dynamic shared memory. */
    void launchShared(String file, List<String> defines, String entry, int gx, int gy, int gz, int bx, int by, int bz,
                      int sharedBytes, Object... args) {
        CUfunction f = compiler.function(file, defines, entry);
        NativePointerObject[] params = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                params[i] = Pointer.to(new CUdeviceptr());
            } else if (a instanceof Tensor t) {
                params[i] = Pointer.to(ptr(t));
            } else if (a instanceof CUdeviceptr p) {
                params[i] = Pointer.to(p);
            } else if (a instanceof Integer v) {
                params[i] = Pointer.to(new int[] {v});
            } else if (a instanceof Float v) {
                params[i] = Pointer.to(new float[] {v});
            } else if (a instanceof Long v) {
                params[i] = Pointer.to(new long[] {v});
            } else {
                throw new IllegalArgumentException("unsupported kernel argument " + a.getClass());
            }
        }
        int r = JCudaDriver.cuLaunchKernel(f, gx, gy, gz, bx, by, bz, sharedBytes, stream, Pointer.to(params), null);
        if (r != 0 || syncEachLaunch) {
            int s = r != 0 ? r : JCudaDriver.cuStreamSynchronize(stream);
            if (s != 0) {
                throw new CudaException("kernel " + entry + " (" + file + (defines.isEmpty() ? "" : " " + defines)
                        + ") grid (" + gx + "," + gy + "," + gz + ") block (" + bx + "," + by + "," + bz + ") on "
                        + name() + ": " + Cu.describe(s));
            }
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

    /** Frees device memory, staging buffers, modules and the stream, and releases the primary context. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        JCudaDriver.cuCtxSetCurrent(context);
        JCudaDriver.cuStreamSynchronize(stream);
        if (timerStart != null) {
            JCudaDriver.cuEventDestroy(timerStart);
            JCudaDriver.cuEventDestroy(timerStop);
        }
        staging.close();
        allocator.close();
        compiler.close();
        JCudaDriver.cuStreamDestroy(stream);
        JCudaDriver.cuDevicePrimaryCtxRelease(cuDevice);
        closed = true;
    }
}

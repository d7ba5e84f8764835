package io.github.blurdm.runtime.cuda;

import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * A real GPU through the JCuda driver API: the device's primary context, one non-blocking stream,
 * kernels compiled by NVRTC (or nvcc) and cached ({@link KernelCompiler}), host copies through
 * pinned staging buffers ({@link PinnedStaging}). Launches and copies are asynchronous on the stream.
 */
final class NativeCudaDriver implements CudaDriver {

    /** A device address: a JCuda CUdeviceptr. */
    record Ptr(CUdeviceptr cu) implements DevicePointer {
        @Override
        public DevicePointer withByteOffset(long bytes) {
            return new Ptr(cu.withByteOffset(bytes));
        }
    }

    private record Function(CUfunction f) implements Kernel {
    }

    private final CudaSupport.DeviceInfo info;
    private final CUdevice cuDevice = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final KernelCompiler compiler;
    private final PinnedStaging staging;
    private CUevent timerStart;
    private CUevent timerStop;
    private boolean closed;

    /** Device {@code index}; throws {@link CudaException} saying why when CUDA is not usable here. */
    NativeCudaDriver(int index) {
        CudaSupport.Status s = CudaSupport.status();
        if (!s.usable()) {
            throw new CudaException("CUDA backend unavailable: " + s.reason());
        }
        if (index < 0 || index >= s.devices().size()) {
            throw new IllegalArgumentException("CUDA device " + index + " does not exist; found "
                    + s.devices().size() + " device(s)");
        }
        this.info = s.devices().get(index);
        Cu.check(JCudaDriver.cuDeviceGet(cuDevice, index), "cuDeviceGet(" + index + ")");
        Cu.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, cuDevice), "cuDevicePrimaryCtxRetain(" + index + ")");
        Cu.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        Cu.check(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        this.compiler = new KernelCompiler(info.major(), info.minor(), s.nvrtcVersion(), CudaSupport.nvcc(),
                KernelCompiler.defaultCacheDir());
        this.staging = new PinnedStaging(stream);
    }

    static CUdeviceptr cu(DevicePointer p) {
        return ((Ptr) p).cu();
    }

    @Override
    public CudaSupport.DeviceInfo info() {
        return info;
    }

    @Override
    public void bind() {
        if (closed) {
            throw new IllegalStateException("cuda:" + info.index() + " backend is closed");
        }
        Cu.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    @Override
    public DevicePointer malloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        int r = JCudaDriver.cuMemAlloc(p, bytes);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            return null;
        }
        Cu.check(r, "cuMemAlloc(" + bytes + " bytes)");
        return new Ptr(p);
    }

    @Override
    public void free(DevicePointer p) {
        JCudaDriver.cuMemFree(cu(p));
    }

    @Override
    public boolean exactAllocations() {
        return false;
    }

    @Override
    public void memsetD32(DevicePointer p, int bits, long count) {
        Cu.check(JCudaDriver.cuMemsetD32Async(cu(p), bits, count, stream), "cuMemsetD32Async(" + count + " words)");
    }

    @Override
    public void upload(float[] src, int n, DevicePointer dst) {
        staging.upload(src, n, cu(dst));
    }

    @Override
    public void download(DevicePointer src, int n, float[] dst) {
        staging.download(cu(src), n, dst);
    }

    @Override
    public Kernel kernel(String file, List<String> defines, String entry) {
        return new Function(compiler.function(file, defines, entry));
    }

    @Override
    public void launch(Kernel k, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes, Object[] args) {
        NativePointerObject[] params = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                params[i] = Pointer.to(new CUdeviceptr());
            } else if (a instanceof DevicePointer p) {
                params[i] = Pointer.to(cu(p));
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
        int r = JCudaDriver.cuLaunchKernel(((Function) k).f(), gx, gy, gz, bx, by, bz, sharedBytes, stream,
                Pointer.to(params), null);
        if (r != CUresult.CUDA_SUCCESS) {
            throw new CudaException(Cu.describe(r));
        }
    }

    @Override
    public void synchronize() {
        Cu.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        Cu.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /** CUDA events around the work: device time, about half a microsecond resolution. */
    @Override
    public float timeMillis(Runnable work) {
        bind();
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
    public MemoryInfo memoryInfo() {
        bind();
        long[] free = new long[1];
        long[] total = new long[1];
        Cu.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new MemoryInfo(free[0], total[0]);
    }

    @Override
    public CudaBackend.CacheStats cacheStats() {
        return new CudaBackend.CacheStats(compiler.target(), compiler.modulesLoaded(), compiler.compiled.get(),
                compiler.diskHits.get(), KernelCompiler.defaultCacheDir());
    }

    /** Waits for the stream, then frees staging buffers, modules and the stream and releases the context. */
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
        compiler.close();
        JCudaDriver.cuStreamDestroy(stream);
        JCudaDriver.cuDevicePrimaryCtxRelease(cuDevice);
        closed = true;
    }
}

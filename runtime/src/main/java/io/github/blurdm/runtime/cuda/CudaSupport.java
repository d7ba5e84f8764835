package io.github.blurdm.runtime.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.nvrtc.JNvrtc;

/**
 * Finds out once whether CUDA is usable here, and why not when it is not. JCuda throws
 * {@link UnsatisfiedLinkError} when {@code libcuda.so.1} (or {@code libnvrtc.so.12}) is missing and
 * {@link NoClassDefFoundError} on every later touch, so detection catches {@link LinkageError}
 * exactly once and caches the verdict. Thread-safe.
 */
public final class CudaSupport {

    /** One CUDA device as the driver describes it. */
    public record DeviceInfo(int index, String name, int major, int minor, long totalBytes, int multiprocessors) {
        /** "sm_90" style architecture name. */
        public String arch() {
            return "sm_" + major + minor;
        }

        @Override
        public String toString() {
            return "cuda:" + index + " " + name + " (compute capability " + major + "." + minor + ", "
                    + (totalBytes >> 20) + " MiB, " + multiprocessors + " SMs)";
        }
    }

    /**
     * The verdict.
     *
     * @param usable        driver, a device and NVRTC all usable
     * @param reason        why not, when not usable; empty otherwise
     * @param driverVersion the driver's CUDA version (12080 = 12.8), 0 if unknown
     * @param devices       the devices found (may be non-empty while unusable, e.g. without NVRTC)
     * @param nvrtcVersion  "12.6" style, or empty when NVRTC could not be loaded (kernels are then
     *                      compiled by {@link #nvcc()} if one was found)
     */
    public record Status(boolean usable, String reason, int driverVersion, List<DeviceInfo> devices,
                         String nvrtcVersion) {
        /** Copies the device list. */
        public Status {
            devices = List.copyOf(devices);
        }
    }

    private static volatile Status status;
    private static volatile java.nio.file.Path nvccFallback;

    /** The nvcc that compiles kernels because NVRTC could not be loaded; null when NVRTC is used. */
    public static java.nio.file.Path nvcc() {
        status();
        return nvccFallback;
    }

    private CudaSupport() {
    }

    /** The cached verdict, detecting on first call. */
    public static Status status() {
        Status s = status;
        if (s == null) {
            synchronized (CudaSupport.class) {
                s = status;
                if (s == null) {
                    s = detect();
                    status = s;
                }
            }
        }
        return s;
    }

    /**
     * Whether the emulated device ({@link CudaBackend#emulated()}) can be built here: a g++ >= 12
     * on the PATH (or {@code -Dblurdm.emu.cxx}); the reason when not. Cached.
     *
     * @return {usable, reason or compiler description}
     */
    public static EmulatorStatus emulatorStatus() {
        EmulatorToolchain.Status s = EmulatorToolchain.status();
        return new EmulatorStatus(s.usable(), s.usable() ? "" : s.reason(),
                s.usable() ? "g++ " + s.version() + " (" + s.compiler() + ")" : "");
    }

    /**
     * The emulated device's verdict.
     *
     * @param usable   whether it can be built and run here
     * @param reason   why not, when not usable
     * @param compiler the C++ compiler that builds it, when usable
     */
    public record EmulatorStatus(boolean usable, String reason, String compiler) {
    }

    /** Whether the CUDA backend can run here. */
    public static boolean usable() {
        return status().usable();
    }

    private static Status detect() {
        int driver = 0;
        List<DeviceInfo> devices = new ArrayList<>();
        try {
            JCudaDriver.setExceptionsEnabled(false);
            int r = JCudaDriver.cuInit(0);
            if (r != CUresult.CUDA_SUCCESS) {
                return new Status(false, "cuInit failed: " + Cu.describe(r), 0, devices, "");
            }
            int[] v = new int[1];
            if (JCudaDriver.cuDriverGetVersion(v) == CUresult.CUDA_SUCCESS) {
                driver = v[0];
            }
            int[] count = new int[1];
            r = JCudaDriver.cuDeviceGetCount(count);
            if (r != CUresult.CUDA_SUCCESS) {
                return new Status(false, "cuDeviceGetCount failed: " + Cu.describe(r), driver, devices, "");
            }
            for (int i = 0; i < count[0]; i++) {
                devices.add(describe(i));
            }
        } catch (LinkageError e) {
            return new Status(false, "the CUDA driver library (libcuda.so.1) could not be loaded: " + firstLine(e),
                    0, devices, "");
        } catch (RuntimeException e) {
            return new Status(false, "CUDA driver probe failed: " + firstLine(e), driver, devices, "");
        }
        if (devices.isEmpty()) {
            return new Status(false, "the CUDA driver reports no device", driver, devices, "");
        }
        String nvrtc;
        try {
            JNvrtc.setExceptionsEnabled(false);
            int[] major = new int[1];
            int[] minor = new int[1];
            JNvrtc.nvrtcVersion(major, minor);
            nvrtc = major[0] + "." + minor[0];
        } catch (LinkageError e) {
            String why = "NVRTC (libnvrtc.so.12) could not be loaded: " + firstLine(e)
                    + "; on a CUDA 13 machine link libnvrtc.so.12 to the CUDA 13 libnvrtc.so in a folder on "
                    + "LD_LIBRARY_PATH (see README)";
            java.nio.file.Path nvcc = NvccCompiler.find();
            if (nvcc == null) {
                return new Status(false, why + ", or put nvcc on the PATH", driver, devices, "");
            }
            nvccFallback = nvcc;
            org.slf4j.LoggerFactory.getLogger(CudaSupport.class).warn("{}; compiling kernels with {} instead", why, nvcc);
            return new Status(true, "", driver, devices, "");
        }
        return new Status(true, "", driver, devices, nvrtc);
    }

    static DeviceInfo describe(int index) {
        CUdevice dev = new CUdevice();
        Cu.check(JCudaDriver.cuDeviceGet(dev, index), "cuDeviceGet(" + index + ")");
        byte[] name = new byte[256];
        Cu.check(JCudaDriver.cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        long[] mem = new long[1];
        Cu.check(JCudaDriver.cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
        return new DeviceInfo(index, new String(name, 0, len, java.nio.charset.StandardCharsets.US_ASCII),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR), mem[0],
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT));
    }

    private static int attribute(CUdevice dev, int attr) {
        int[] v = new int[1];
        Cu.check(JCudaDriver.cuDeviceGetAttribute(v, attr, dev), "cuDeviceGetAttribute(" + attr + ")");
        return v[0];
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        int nl = m.indexOf('\n');
        if (nl < 0) {
            return m;
        }
        // JCuda's message spans many lines; the dynamic linker's own words say which library is missing.
        String cause = "";
        for (String line : m.split("\n")) {
            int at = line.indexOf(": lib");
            if (line.contains("cannot open shared object file") && at >= 0) {
                cause = " (" + line.substring(at + 2).trim() + ")";
            }
        }
        return m.substring(0, nl) + cause;
    }
}

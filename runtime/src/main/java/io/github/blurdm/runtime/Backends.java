package io.github.blurdm.runtime;

import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.runtime.cpu.VectorSupport;
import io.github.blurdm.runtime.cuda.CudaBackend;
import io.github.blurdm.runtime.cuda.CudaSupport;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the backends this machine can run and creates them by name or {@link BackendChoice}.
 * CUDA is probed once ({@link CudaSupport}); the AUTO verdict is cached and, when it falls back to
 * the CPU, explained in one log line. Thread-safe.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static volatile boolean fallbackLogged;

    private Backends() {
    }

    /** One status line per known backend, for {@code blurdm info} and logs. */
    public static List<BackendStatus> probe() {
        int threads = CpuBackend.defaultThreads();
        BackendStatus cpu = new BackendStatus("cpu", true,
                threads + " thread" + (threads == 1 ? "" : "s") + "; " + VectorSupport.REASON);
        CudaSupport.Status s = cudaStatus();
        String cache = "kernel cache " + cacheDirText();
        BackendStatus cuda;
        if (s.usable()) {
            StringBuilder d = new StringBuilder();
            for (CudaSupport.DeviceInfo dev : s.devices()) {
                d.append(d.length() == 0 ? "" : "; ").append(dev);
            }
            d.append("; driver CUDA ").append(s.driverVersion() / 1000).append('.').append(s.driverVersion() % 1000 / 10)
                    .append(s.nvrtcVersion().isEmpty() ? "; kernels compiled by " + CudaSupport.nvcc() + " (NVRTC not loadable)"
                            : "; NVRTC " + s.nvrtcVersion()).append("; ").append(cache);
            cuda = new BackendStatus("cuda", true, d.toString());
        } else {
            String devs = s.devices().isEmpty() ? "" : " (found " + s.devices() + ")";
            cuda = new BackendStatus("cuda", false, s.reason() + devs + "; the CPU is used instead; " + cache);
        }
        CudaSupport.EmulatorStatus e = emulatorStatus();
        BackendStatus emulated = new BackendStatus("cuda-emulated", e.usable(), e.usable()
                ? "the CUDA kernels run on the CPU by " + e.compiler() + " (debugging only, slow); "
                        + "-Dblurdm.backend=cuda-emulated"
                : e.reason());
        return List.of(cpu, cuda, emulated);
    }

    /** The emulated device's verdict; a JCuda missing from the class path counts as unusable too. */
    public static CudaSupport.EmulatorStatus emulatorStatus() {
        try {
            return CudaSupport.emulatorStatus();
        } catch (LinkageError e) {
            return new CudaSupport.EmulatorStatus(false, "JCuda is not on the class path: " + e, "");
        }
    }

    /** CUDA's verdict; a JCuda missing from the class path counts as unusable too. */
    public static CudaSupport.Status cudaStatus() {
        try {
            return CudaSupport.status();
        } catch (LinkageError e) {
            return new CudaSupport.Status(false, "JCuda is not on the class path: " + e, 0, List.of(), "");
        }
    }

    private static String cacheDirText() {
        try {
            return CudaBackend.cacheDir().toString();
        } catch (LinkageError | RuntimeException e) {
            return "(unknown: " + e + ")";
        }
    }

    /** What AUTO picks here: "cuda" or "cpu". */
    public static String autoChoice() {
        return cudaStatus().usable() ? "cuda" : "cpu";
    }

    /** Why AUTO picks the CPU here; empty when it picks CUDA. */
    public static String autoReason() {
        CudaSupport.Status s = cudaStatus();
        return s.usable() ? "" : s.reason();
    }

    /** Creates the named backend ("cpu", "cuda", "cuda-emulated", "auto"); IllegalArgumentException naming the choices otherwise. */
    public static Backend create(String name) {
        return create(BackendChoice.parse(name == null ? "" : name, "backend"));
    }

    /** The backend chosen by {@code -Dblurdm.backend} / {@code BLURDM_BACKEND}, AUTO by default. */
    public static Backend createDefault() {
        return create(BackendChoice.configured());
    }

    /**
     * Creates a backend. AUTO: CUDA device 0 when usable, else the CPU with one log line saying why;
     * CUDA: throws IllegalStateException with the reason when CUDA is not usable; CUDA_EMULATED: the
     * CUDA backend on the emulated device, IllegalStateException saying why when it cannot run here.
     */
    public static Backend create(BackendChoice choice) {
        return create(choice, 0, CpuBackend.defaultThreads());
    }

    /**
     * Creates a backend as {@link #create(BackendChoice)} does, on CUDA device {@code cudaDevice}
     * (the driver's numbering) instead of device 0, and with {@code cpuThreads} worker threads when it
     * is the CPU backend: for callers that are handed their share of a machine, such as a Spark task
     * given one GPU address and {@code spark.task.cpus} cores.
     */
    public static Backend create(BackendChoice choice, int cudaDevice, int cpuThreads) {
        if (cudaDevice < 0) {
            throw new IllegalArgumentException("CUDA device index must be >= 0, got " + cudaDevice);
        }
        if (cpuThreads < 1) {
            throw new IllegalArgumentException("CPU threads must be >= 1, got " + cpuThreads);
        }
        switch (choice) {
            case CPU:
                return new CpuBackend(cpuThreads, true);
            case CUDA_EMULATED: {
                CudaSupport.EmulatorStatus e = emulatorStatus();
                if (!e.usable()) {
                    throw new IllegalStateException("backend 'cuda-emulated' is not usable here: " + e.reason());
                }
                return CudaBackend.emulated();
            }
            case CUDA: {
                CudaSupport.Status s = cudaStatus();
                if (!s.usable()) {
                    throw new IllegalStateException("backend 'cuda' is not usable here: " + s.reason());
                }
                return new CudaBackend(cudaDevice);
            }
            default: {
                CudaSupport.Status s = cudaStatus();
                if (s.usable()) {
                    return new CudaBackend(cudaDevice);
                }
                if (!fallbackLogged) {
                    fallbackLogged = true;
                    LOG.info("using the CPU backend: {}", s.reason());
                }
                return new CpuBackend(cpuThreads, true);
            }
        }
    }
}

package io.github.blurdm.runtime.cuda;

import io.github.blurdm.kernels.Kernels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles kernel files with NVRTC for one device and caches the result twice: loaded modules in
 * memory (per file and options) and compiled images on disk, keyed by the SHA-256 of source,
 * options, target architecture and NVRTC version. The target is a CUBIN for the device's exact
 * architecture when this NVRTC supports it, else PTX for the newest architecture it supports below
 * the device's (the driver JIT-compiles it). Disk writes go to a temporary file renamed into place,
 * so concurrent processes never read a partial image. Must be used with the backend's context current.
 */
final class KernelCompiler {
    private static final Logger LOG = LoggerFactory.getLogger(KernelCompiler.class);

    private final int major;
    private final int minor;
    private final String nvrtcVersion;
    private final Path nvcc;
    private final Path cacheDir;
    private final String target;      // "sm_90" (cubin) or "compute_86" (ptx)
    private final boolean cubin;
    private final Map<String, CUmodule> modules = new ConcurrentHashMap<>();
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();
    final AtomicLong compiled = new AtomicLong();
    final AtomicLong diskHits = new AtomicLong();

    /**
     * @param nvrtcVersion "12.6" style; empty to compile with {@code nvcc} (the NVRTC fallback)
     * @param nvcc         the nvcc to use when {@code nvrtcVersion} is empty
     */
    KernelCompiler(int major, int minor, String nvrtcVersion, Path nvcc, Path cacheDir) {
        this.major = major;
        this.minor = minor;
        this.nvcc = nvrtcVersion.isEmpty() ? nvcc : null;
        if (nvrtcVersion.isEmpty() && nvcc == null) {
            throw new IllegalArgumentException("no kernel compiler: NVRTC is not loaded and no nvcc was given");
        }
        this.nvrtcVersion = this.nvcc != null ? "nvcc " + NvccCompiler.version(this.nvcc) : nvrtcVersion;
        this.cacheDir = cacheDir;
        int arch = major * 10 + minor;
        int best = this.nvcc != null ? arch : bestSupportedArch(arch);
        this.cubin = best == arch;
        this.target = (cubin ? "sm_" : "compute_") + best;
        if (!cubin) {
            LOG.info("NVRTC {} cannot target sm_{}; compiling PTX for {} (the driver JIT-compiles it)", nvrtcVersion,
                    arch, target);
        }
    }

    /** The user cache folder: {@code blurdm.cache.dir}, else $XDG_CACHE_HOME/blurdm/kernels, else ~/.cache/blurdm/kernels. */
    static Path defaultCacheDir() {
        String p = System.getProperty("blurdm.cache.dir");
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("blurdm").resolve("kernels");
    }

    String target() {
        return target;
    }

    int modulesLoaded() {
        return modules.size();
    }

    private static int bestSupportedArch(int arch) {
        int[] n = new int[1];
        if (JNvrtc.nvrtcGetNumSupportedArchs(n) != nvrtcResult.NVRTC_SUCCESS || n[0] == 0) {
            return arch;
        }
        int[] archs = new int[n[0]];
        JNvrtc.nvrtcGetSupportedArchs(archs);
        int best = -1;
        for (int a : archs) {
            if (a == arch) {
                return arch;
            }
            if (a < arch && a > best) {
                best = a;
            }
        }
        return best < 0 ? arch : best;
    }

    /** The kernel {@code entry} of {@code file} compiled with {@code defines}. */
    CUfunction function(String file, List<String> defines, String entry) {
        String mkey = file + " " + String.join(" ", defines);
        String fkey = mkey + " :: " + entry;
        CUfunction f = functions.get(fkey);
        if (f != null) {
            return f;
        }
        CUmodule m = modules.computeIfAbsent(mkey, k -> load(file, defines));
        f = new CUfunction();
        Cu.check(JCudaDriver.cuModuleGetFunction(f, m, entry), "cuModuleGetFunction(" + entry + ") in " + mkey);
        functions.put(fkey, f);
        return f;
    }

    private CUmodule load(String file, List<String> defines) {
        String source = Kernels.source(file);
        List<String> options = options(defines);
        String key = key(source, options);
        Path cached = cacheDir == null ? null : cacheDir.resolve(key + (cubin ? ".cubin" : ".ptx"));
        byte[] image = null;
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                image = Files.readAllBytes(cached);
                diskHits.incrementAndGet();
            } catch (IOException e) {
                LOG.warn("cannot read cached kernel {}: {}; recompiling", cached, e.toString());
            }
        }
        if (image == null) {
            image = nvcc != null ? NvccCompiler.compile(nvcc, file, source, target, defines)
                    : compile(file, source, options);
            compiled.incrementAndGet();
            if (cached != null) {
                store(cached, image);
            }
        }
        CUmodule m = new CUmodule();
        byte[] data = image;
        if (!cubin) {
            data = java.util.Arrays.copyOf(image, image.length + 1);   // PTX must be NUL-terminated
        }
        Cu.check(JCudaDriver.cuModuleLoadData(m, data), "cuModuleLoadData(" + file + " " + options + ")");
        return m;
    }

    List<String> options(List<String> defines) {
        List<String> o = new ArrayList<>();
        o.add("--gpu-architecture=" + target);
        o.add("--std=c++17");
        o.addAll(defines);
        return o;
    }

    private String key(String source, List<String> options) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(source.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(String.join("\u0001", options).getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(("sm_" + major + minor + " " + target + " compiler " + nvrtcVersion).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private byte[] compile(String file, String source, List<String> options) {
        nvrtcProgram prog = new nvrtcProgram();
        int r = JNvrtc.nvrtcCreateProgram(prog, source, file, 0, null, null);
        if (r != nvrtcResult.NVRTC_SUCCESS) {
            throw new NvrtcException(file, options, "nvrtcCreateProgram: " + nvrtcResult.stringFor(r), "");
        }
        try {
            r = JNvrtc.nvrtcCompileProgram(prog, options.size(), options.toArray(new String[0]));
            String[] log = new String[1];
            JNvrtc.nvrtcGetProgramLog(prog, log);
            if (r != nvrtcResult.NVRTC_SUCCESS) {
                throw new NvrtcException(file, options, nvrtcResult.stringFor(r), log[0]);
            }
            if (log[0] != null && !log[0].isBlank()) {
                LOG.debug("NVRTC log for {} {}: {}", file, options, log[0].strip());
            }
            if (cubin) {
                long[] size = new long[1];
                check(JNvrtc.nvrtcGetCUBINSize(prog, size), file, options, "nvrtcGetCUBINSize");
                byte[] out = new byte[(int) size[0]];
                check(JNvrtc.nvrtcGetCUBIN(prog, out), file, options, "nvrtcGetCUBIN");
                return out;
            }
            String[] ptx = new String[1];
            check(JNvrtc.nvrtcGetPTX(prog, ptx), file, options, "nvrtcGetPTX");
            String text = ptx[0];
            int nul = text.indexOf('\0');
            return (nul >= 0 ? text.substring(0, nul) : text).getBytes(StandardCharsets.US_ASCII);
        } finally {
            JNvrtc.nvrtcDestroyProgram(prog);
        }
    }

    private static void check(int r, String file, List<String> options, String what) {
        if (r != nvrtcResult.NVRTC_SUCCESS) {
            throw new NvrtcException(file, options, what + ": " + nvrtcResult.stringFor(r), "");
        }
    }

    /** Writes atomically: a temp file in the same folder renamed over the target. */
    static void store(Path target, byte[] image) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, image);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            LOG.warn("cannot write kernel cache entry {}: {} (continuing without the disk cache)", target, e.toString());
        }
    }

    /** Unloads every module; functions become invalid. */
    void close() {
        for (CUmodule m : modules.values()) {
            JCudaDriver.cuModuleUnload(m);
        }
        modules.clear();
        functions.clear();
    }
}

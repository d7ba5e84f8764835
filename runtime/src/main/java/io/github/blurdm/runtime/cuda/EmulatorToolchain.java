package io.github.blurdm.runtime.cuda;

import io.github.blurdm.kernels.Kernels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host C++ compiler (g++ >= 12) that builds the emulated device: the device program from the
 * emulator's sources ({@code runtime/.../cuda/emu/}) and one shared library per kernel file and
 * define set, from the very source NVRTC compiles, force-including {@code cuda_emu.h} and with the
 * same {@code -D} options. Results are cached on disk under {@code <kernel cache>/emulated/<key>/},
 * the key covering the emulator's sources and the compiler's version; each module by the hash of its
 * source and defines. Files appear by atomic rename, so processes share the folder. Thread-safe.
 */
final class EmulatorToolchain {
    private static final Logger LOG = LoggerFactory.getLogger(EmulatorToolchain.class);
    private static final String RESOURCES = "/io/github/blurdm/runtime/cuda/emu/";
    private static final List<String> SOURCES =
            List.of("emu_abi.h", "emu_internal.h", "cuda_emu.h", "emu_blocks.cpp", "emu_device.cpp");
    // -fno-ipa-reference(-addressable): __shared__ variables are thread_local statics that other fibers
    // (and the device's poisoning) write behind the compiler's back; without these g++ folds reads of one
    // the function never writes to zero, hiding an uninitialised read the NaN poison should expose.
    private static final List<String> MODULE_FLAGS = List.of("-std=c++17", "-O2", "-fPIC", "-shared",
            "-ffp-contract=off", "-fno-math-errno", "-fno-strict-aliasing", "-fno-ipa-reference",
            "-fno-ipa-reference-addressable", "-Wno-unknown-pragmas");
    private static final long TIMEOUT_SECONDS = 300;
    private static final int MIN_MAJOR = 12;

    /** Whether the emulated device can be built here, and with what. */
    record Status(boolean usable, String reason, Path compiler, String version) {
    }

    private static volatile Status status;

    private final Path cxx;
    private final String version;
    private final Path dir;

    private EmulatorToolchain(Path cxx, String version, Path dir) {
        this.cxx = cxx;
        this.version = version;
        this.dir = dir;
    }

    /** The cached verdict: a g++ >= 12 from {@code -Dblurdm.emu.cxx}, {@code $BLURDM_CXX} or the PATH. */
    static Status status() {
        Status s = status;
        if (s == null) {
            synchronized (EmulatorToolchain.class) {
                s = status;
                if (s == null) {
                    s = probe();
                    status = s;
                }
            }
        }
        return s;
    }

    private static Status probe() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return new Status(false, "the emulated device runs on Linux only", null, "");
        }
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("blurdm.emu.cxx");
        String env = System.getenv("BLURDM_CXX");
        if (prop != null && !prop.isBlank()) {
            candidates.add(Path.of(prop));
        } else if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        } else {
            String path = System.getenv("PATH");
            for (String d : (path == null ? "/usr/bin" : path).split(java.io.File.pathSeparator)) {
                if (!d.isEmpty()) {
                    candidates.add(Path.of(d, "g++"));
                }
            }
        }
        for (Path p : candidates) {
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                continue;
            }
            String v;
            try {
                v = run(List.of(p.toString(), "-dumpfullversion"), null, 30).strip();
            } catch (CudaException e) {
                return new Status(false, p + " does not run: " + e.getMessage(), null, "");
            }
            int major;
            try {
                major = Integer.parseInt(v.split("\\.")[0]);
            } catch (NumberFormatException e) {
                return new Status(false, p + " -dumpfullversion said '" + v + "', not a g++ version", null, "");
            }
            if (major < MIN_MAJOR) {
                return new Status(false, p + " is g++ " + v + "; the emulated device needs g++ >= " + MIN_MAJOR, null, "");
            }
            return new Status(true, "", p, v);
        }
        return new Status(false, "no C++ compiler: the emulated device needs g++ >= " + MIN_MAJOR
                + " on the PATH (apt-get install g++), or -Dblurdm.emu.cxx", null, "");
    }

    /** The toolchain with its cache folder; throws {@link CudaException} saying why when it is unusable. */
    static EmulatorToolchain open() {
        Status s = status();
        if (!s.usable()) {
            throw new CudaException("the emulated device is unavailable: " + s.reason());
        }
        MessageDigest d = sha256();
        for (String name : SOURCES) {
            d.update(name.getBytes(StandardCharsets.UTF_8));
            d.update(resource(name));
        }
        d.update(("g++ " + s.version() + " " + MODULE_FLAGS).getBytes(StandardCharsets.UTF_8));
        String key = HexFormat.of().formatHex(d.digest()).substring(0, 16);
        Path dir = KernelCompiler.defaultCacheDir().resolve("emulated").resolve(key);
        EmulatorToolchain t = new EmulatorToolchain(s.compiler(), s.version(), dir);
        for (String name : SOURCES) {
            Path p = dir.resolve(name);
            if (!Files.isRegularFile(p)) {
                writeAtomically(p, resource(name));
            }
        }
        return t;
    }

    /** "g++ 12.2.0". */
    String compilerName() {
        return "g++ " + version;
    }

    /** The folder of this emulator build's files. */
    Path dir() {
        return dir;
    }

    /** The device program, built on first use. */
    Path device() {
        Path exe = dir.resolve("emu_device");
        if (!Files.isExecutable(exe)) {
            long t0 = System.nanoTime();
            Path tmp = temp(exe);
            run(List.of(cxx.toString(), "-std=c++17", "-O2", "-pthread", "-rdynamic", "-o", tmp.toString(),
                    dir.resolve("emu_device.cpp").toString(), dir.resolve("emu_blocks.cpp").toString(), "-ldl"), null,
                    TIMEOUT_SECONDS);
            move(tmp, exe);
            LOG.info("built the emulated device with {} in {} ms", compilerName(), (System.nanoTime() - t0) / 1_000_000);
        }
        return exe;
    }

    /** The module of kernel file {@code file} compiled with {@code defines}, built on first use; true in {@code built[0]} when it was. */
    Path module(String file, List<String> defines, boolean[] built) {
        return module(file, Kernels.source(file), defines, built);
    }

    /** {@link #module(String, List, boolean[])} of a source given as text ({@code file} names it in messages). */
    Path module(String file, String source, List<String> defines, boolean[] built) {
        MessageDigest d = sha256();
        d.update(source.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(String.join("\u0001", defines).getBytes(StandardCharsets.UTF_8));
        String key = HexFormat.of().formatHex(d.digest()).substring(0, 32);
        Path so = dir.resolve("modules").resolve(file.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + key + ".so");
        if (Files.isRegularFile(so)) {
            built[0] = false;
            return so;
        }
        String include = dir.resolve("cuda_emu.h").toString();
        List<String> scan = new ArrayList<>(List.of(cxx.toString(), "-E", "-P", "-x", "c++", "-std=c++17",
                "-DBLURDM_EMU_SCAN", "-include", include));
        scan.addAll(defines);
        scan.add("-");
        String preprocessed = run(scan, source, TIMEOUT_SECONDS);
        List<KernelScan.Kernel> kernels = KernelScan.kernels(preprocessed, file);
        if (kernels.isEmpty()) {
            throw new CudaException(file + " " + defines + " defines no __global__ kernel");
        }
        Map<String, String> shared = KernelScan.dynamicShared(preprocessed, file);
        String unit = "#line 1 \"" + file + "\"\n" + source + KernelScan.footer(kernels, shared);
        Path tmp = temp(so);
        List<String> cmd = new ArrayList<>(List.of(cxx.toString()));
        cmd.addAll(MODULE_FLAGS);
        cmd.addAll(List.of("-include", include));
        cmd.addAll(defines);
        cmd.addAll(List.of("-x", "c++", "-", "-o", tmp.toString()));
        long t0 = System.nanoTime();
        try {
            run(cmd, unit, TIMEOUT_SECONDS);
        } catch (CudaException e) {
            throw new CudaException(compilerName() + " could not compile " + file + " " + defines
                    + " for the emulated device: " + e.getMessage(), e);
        }
        move(tmp, so);
        LOG.debug("emulated module {} {} built in {} ms", file, defines, (System.nanoTime() - t0) / 1_000_000);
        built[0] = true;
        return so;
    }

    /** Runs a command, feeding {@code input} to its stdin; its stdout, or CudaException with its output. */
    private static String run(List<String> cmd, String input, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CudaException(cmd.get(0) + " did not finish within " + timeoutSeconds + " s");
            }
            String stdout = new String(out.join(), StandardCharsets.UTF_8);
            String stderr = new String(err.join(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new CudaException("exit code " + p.exitValue() + "\n--- compiler output ---\n" + stderr.strip()
                        + (stdout.isBlank() ? "" : "\n" + stdout.strip()));
            }
            return stdout;
        } catch (IOException e) {
            throw new CudaException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CudaException("interrupted while running " + cmd.get(0), e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = EmulatorToolchain.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("emulator source " + RESOURCES + name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path temp(Path target) {
        try {
            Files.createDirectories(target.getParent());
            return Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        } catch (IOException e) {
            throw new CudaException("cannot write to the emulator cache " + target.getParent() + ": " + e.getMessage(), e);
        }
    }

    private static void move(Path tmp, Path target) {
        try {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CudaException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the rename happened or the temporary file is already gone
            }
        }
    }

    private static void writeAtomically(Path target, byte[] data) {
        Path tmp = temp(target);
        try {
            Files.write(tmp, data);
        } catch (IOException e) {
            throw new CudaException("cannot write " + tmp + ": " + e.getMessage(), e);
        }
        move(tmp, target);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

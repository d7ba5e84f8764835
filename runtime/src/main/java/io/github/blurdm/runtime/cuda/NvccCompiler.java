package io.github.blurdm.runtime.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fallback kernel compiler: the CUDA toolkit's {@code nvcc} run as a subprocess, for machines
 * where NVRTC cannot be loaded (JCuda 12.6 links {@code libnvrtc.so.12}; a CUDA 13 machine has
 * only {@code libnvrtc.so.13}). It builds a CUBIN for the device's exact architecture from the
 * same source and {@code -D} options NVRTC would get. Stateless; thread-safe.
 */
final class NvccCompiler {
    private static final long TIMEOUT_SECONDS = 120;

    private NvccCompiler() {
    }

    /**
     * The nvcc to use: {@code -Dblurdm.nvcc}, else {@code $BLURDM_NVCC}, else {@code $CUDA_HOME/bin/nvcc},
     * else {@code nvcc} on the PATH, else {@code /usr/local/cuda/bin/nvcc}; null when none is executable.
     */
    static Path find() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("blurdm.nvcc");
        if (prop != null && !prop.isBlank()) {
            candidates.add(Path.of(prop));
        }
        String env = System.getenv("BLURDM_NVCC");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        String home = System.getenv("CUDA_HOME");
        if (home != null && !home.isBlank()) {
            candidates.add(Path.of(home, "bin", "nvcc"));
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (!d.isEmpty()) {
                    candidates.add(Path.of(d, "nvcc"));
                }
            }
        }
        candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** "13.0" from {@code nvcc --version}, or "unknown". */
    static String version(Path nvcc) {
        try {
            Process p = new ProcessBuilder(nvcc.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("release (\\d+\\.\\d+)").matcher(out);
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * Compiles {@code source} (kernel file {@code file}) to a CUBIN for {@code arch} ("sm_90").
     * Failures throw {@link NvrtcException} with the file, the command line and nvcc's full output.
     */
    static byte[] compile(Path nvcc, String file, String source, String arch, List<String> defines) {
        Path dir = null;
        List<String> cmd = new ArrayList<>(List.of(nvcc.toString(), "-cubin", "-arch=" + arch, "-std=c++17"));
        cmd.addAll(defines);
        try {
            dir = Files.createTempDirectory("blurdm-nvcc");
            Path src = dir.resolve(file);
            Path out = dir.resolve(file + ".cubin");
            Files.writeString(src, source, StandardCharsets.UTF_8);
            cmd.addAll(List.of("-o", out.toString(), src.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new NvrtcException(file, cmd, "nvcc did not finish in " + TIMEOUT_SECONDS + " s", log);
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(out)) {
                throw new NvrtcException(file, cmd, "nvcc exited with " + p.exitValue(), log);
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new NvrtcException(file, cmd, "nvcc could not run: " + e, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NvrtcException(file, cmd, "interrupted while nvcc ran", "");
        } finally {
            if (dir != null) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // a temporary folder left behind is harmless
                }
            }
        }
    }
}

package io.github.blurdm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kernel file, at every catalogued specialisation, compiles with nvcc for sm_80 and sm_90
 * ({@code -cubin -Xptxas -v}) without errors and without register spills; prints registers and
 * shared memory per kernel. Skipped, saying why, when nvcc is not on the PATH.
 */
class NvccCompileTest {
    static final List<String> ARCHS = List.of("sm_80", "sm_90");
    private static final Pattern COMPILING = Pattern.compile("Compiling entry function '(\\w+)' for '(\\w+)'");
    private static final Pattern SPILLS = Pattern.compile("(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");

    @TempDir
    Path tmp;

    static String findNvcc() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "nvcc");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    record Job(Kernels.KernelFile file, List<String> defines, String arch) {
        String label() {
            return file.file() + " " + (defines.isEmpty() ? "(defaults)" : String.join(" ", defines)) + " " + arch;
        }
    }

    record Result(Job job, int exit, String log) {
    }

    @Test
    void everyKernelCompilesWithoutSpills() throws Exception {
        String nvcc = findNvcc();
        if (nvcc == null) {
            System.out.println("[NvccCompileTest] SKIPPED: nvcc is not on the PATH; the kernel compile check needs the CUDA toolkit");
        }
        Assumptions.assumeTrue(nvcc != null, "nvcc is not on the PATH; the kernel compile check needs the CUDA toolkit");

        long t0 = System.nanoTime();
        List<Job> jobs = new ArrayList<>();
        for (Kernels.KernelFile k : Kernels.all()) {
            Files.writeString(tmp.resolve(k.file()), k.source(), StandardCharsets.UTF_8);
            for (List<String> v : k.variants()) {
                for (String arch : ARCHS) {
                    jobs.add(new Job(k, v, arch));
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        List<Future<Result>> futures = new ArrayList<>();
        int[] counter = {0};
        for (Job j : jobs) {
            int id;
            synchronized (counter) {
                id = counter[0]++;
            }
            futures.add(pool.submit(() -> compile(nvcc, j, id)));
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.MINUTES), "nvcc did not finish within 10 minutes");

        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        table.append(String.format("%-22s %-42s %-6s %-24s %5s %6s %s%n", "file", "defines", "arch", "kernel", "regs",
                "smem", "spills(st/ld)"));
        for (Future<Result> f : futures) {
            Result r = f.get();
            if (r.exit != 0 || r.log.contains("error")) {
                failures.add(r.job.label() + ": nvcc exit " + r.exit + "\n" + r.log);
                continue;
            }
            Map<String, int[]> stats = parse(r.log);
            for (String e : r.job.file.entryPoints()) {
                int[] s = stats.get(e);
                if (s == null) {
                    failures.add(r.job.label() + ": ptxas reported nothing for " + e);
                    continue;
                }
                table.append(String.format("%-22s %-42s %-6s %-24s %5d %6d %d/%d%n", r.job.file.file(),
                        r.job.defines.isEmpty() ? "-" : String.join(" ", r.job.defines), r.job.arch, e, s[0], s[1],
                        s[2], s[3]));
                if (s[2] != 0 || s[3] != 0) {
                    failures.add(r.job.label() + ": " + e + " spills " + s[2] + " bytes stored, " + s[3]
                            + " bytes loaded (" + s[0] + " registers)");
                }
            }
        }
        System.out.print(table);
        System.out.printf("[NvccCompileTest] %d nvcc runs in %.1f s%n", jobs.size(), (System.nanoTime() - t0) / 1e9);
        assertEquals(List.of(), failures, "kernel compile failures");
    }

    private Result compile(String nvcc, Job j, int id) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(nvcc, "-cubin", "-arch=" + j.arch, "-Xptxas", "-v", "-std=c++17"));
        cmd.addAll(j.defines);
        cmd.add("-o");
        cmd.add(tmp.resolve("k" + id + ".cubin").toString());
        cmd.add(tmp.resolve(j.file.file()).toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).directory(tmp.toFile()).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(j, p.waitFor(), log);
    }

    /** entry point -> {registers, smem bytes, spill store bytes, spill load bytes} from ptxas -v output. */
    static Map<String, int[]> parse(String log) {
        Map<String, int[]> out = new LinkedHashMap<>();
        String current = null;
        for (String line : log.split("\n")) {
            Matcher c = COMPILING.matcher(line);
            if (c.find()) {
                current = c.group(1);
                out.put(current, new int[4]);
                continue;
            }
            if (current == null) {
                continue;
            }
            Matcher s = SPILLS.matcher(line);
            if (s.find()) {
                out.get(current)[2] = Integer.parseInt(s.group(2));
                out.get(current)[3] = Integer.parseInt(s.group(3));
            }
            if (line.contains("Used ") && line.contains(" registers")) {
                Matcher u = Pattern.compile("Used (\\d+) registers").matcher(line);
                if (u.find()) {
                    out.get(current)[0] = Integer.parseInt(u.group(1));
                }
                Matcher sm = Pattern.compile("(\\d+) bytes smem").matcher(line);
                if (sm.find()) {
                    out.get(current)[1] = Integer.parseInt(sm.group(1));
                }
            }
        }
        return out;
    }

    @Test
    void parsesPtxasOutput() {
        String log = "ptxas info    : Compiling entry function 'k_v1' for 'sm_80'\n"
                + "ptxas info    : Function properties for k_v1\n"
                + "    24 bytes stack frame, 20 bytes spill stores, 16 bytes spill loads\n"
                + "ptxas info    : Used 40 registers, used 1 barriers, 24 bytes cumulative stack size, 8448 bytes smem, 436 bytes cmem[0]\n";
        int[] s = parse(log).get("k_v1");
        assertEquals(List.of(40, 8448, 20, 16), List.of(s[0], s[1], s[2], s[3]));
    }
}

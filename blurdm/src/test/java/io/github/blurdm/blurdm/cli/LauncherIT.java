package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/blurdm}: the launcher's logic with a fake {@code java} (version detection, flags per JDK,
 * exit code, stdin, the incubator notice filtered from stderr, running from another directory), and,
 * when the jar is built and the JDKs are installed, the real thing on JDK 17 and 25.
 */
class LauncherIT {
    @TempDir
    Path dir;

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("bin/blurdm"))) {
            p = p.getParent();
        }
        Assumptions.assumeTrue(p != null, "bin/blurdm not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(Path launcher, Path cwd, Map<String, String> env, String stdin, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().remove("BLURDM_JAVA_OPTS");
        pb.environment().remove("BLURDM_VERBOSE_JVM");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(cwd, "out", ".txt");
        Path err = Files.createTempFile(cwd, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher finished");
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A copy of bin/blurdm in a fake tree whose "java" echoes its arguments and stdin. */
    private Path fakeTree(String specVersion) throws Exception {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("bin"));
        Files.createDirectories(tree.resolve("blurdm/target/lib"));
        Files.writeString(tree.resolve("blurdm/target/blurdm-core.jar"), "");
        Path launcher = Files.copy(repoRoot().resolve("bin/blurdm"), tree.resolve("bin/blurdm"));
        Path jdk = dir.resolve("jdk/bin");
        Files.createDirectories(jdk);
        Path java = jdk.resolve("java");
        Files.writeString(java, String.join("\n",
                "#!/usr/bin/env bash",
                "if [[ \"$1\" == -XshowSettings:properties ]]; then",
                "  echo '    java.specification.version = " + specVersion + "' >&2; exit 0",
                "fi",
                "echo 'WARNING: Using incubator modules: jdk.incubator.vector' >&2",
                "echo \"args: $*\"",
                "echo \"stdin: $(cat)\"",
                "echo 'a real warning' >&2",
                "exit 7", ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    @Test
    void passesFlagsExitCodeAndStdinAndFiltersTheIncubatorNotice() throws Exception {
        Path launcher = fakeTree("25");
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Result r = run(launcher, elsewhere, Map.of("JAVA_HOME", dir.resolve("jdk").toString()), "hello",
                "deblur", "a b.png");
        assertEquals(7, r.code(), "the JVM's exit code");
        assertTrue(r.out().contains("stdin: hello"), r.out());
        assertTrue(r.out().contains("--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"), r.out());
        assertTrue(r.out().contains("--sun-misc-unsafe-memory-access=allow"), "JDK 25 knows the flag: " + r.out());
        assertTrue(r.out().contains("-cp " + dir.resolve("tree/blurdm/target/blurdm-core.jar") + ":"), r.out());
        assertTrue(r.out().endsWith("io.github.blurdm.blurdm.cli.BlurdmCli deblur a b.png\nstdin: hello\n"), r.out());
        assertEquals("a real warning\n", r.err(), "only the incubator notice is filtered");
    }

    @Test
    void jdk17GetsNoFlagItDoesNotKnowAndOldJdksAreRefused() throws Exception {
        Path launcher = fakeTree("17");
        Map<String, String> env = Map.of("JAVA_HOME", dir.resolve("jdk").toString(), "BLURDM_JAVA_OPTS", "-Xmx1g -Dx=y");
        Result r = run(launcher, dir, env, "", "info");
        assertEquals(7, r.code());
        assertFalse(r.out().contains("sun-misc-unsafe"), r.out());
        assertTrue(r.out().contains("-XX:+UseParallelGC -Dblurdm.home=" + dir.resolve("tree") + " -Xmx1g -Dx=y -cp"),
                "the installation folder (for the shipped weights), then the user's options: " + r.out());
        Files.delete(dir.resolve("jdk/bin/java"));
        fakeTreeJavaOnly("11");
        Result old = run(launcher, dir, env, "", "info");
        assertEquals(1, old.code());
        assertTrue(old.err().contains("needs Java >= 17"), old.err());
    }

    private void fakeTreeJavaOnly(String specVersion) throws Exception {
        Path java = dir.resolve("jdk/bin/java");
        Files.writeString(java, "#!/usr/bin/env bash\necho '    java.specification.version = " + specVersion
                + "' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aMissingJarSaysHowToBuild() throws Exception {
        Path launcher = fakeTree("21");
        Files.delete(dir.resolve("tree/blurdm/target/blurdm-core.jar"));
        Result r = run(launcher, dir, Map.of("JAVA_HOME", dir.resolve("jdk").toString()), "", "info");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("mvn -B -q -DskipTests package"), r.err());
    }

    @Test
    void theBuiltToolRunsFromAnyDirectoryOnJdk17And25WithoutWarnings() throws Exception {
        Path root = repoRoot();
        Assumptions.assumeTrue(Files.isRegularFile(root.resolve("blurdm/target/blurdm-core.jar")),
                "skipped: blurdm/target/blurdm-core.jar is not built yet (mvn -B -q -DskipTests package)");
        int ran = 0;
        for (String home : List.of("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64",
                System.getProperty("java.home"))) {
            if (!Files.isExecutable(Path.of(home, "bin", "java"))) {
                continue;
            }
            Result r = run(root.resolve("bin/blurdm"), dir, Map.of("JAVA_HOME", home), "", "--version");
            assertEquals(0, r.code(), home + ": " + r.err());
            assertTrue(r.out().startsWith("blurdm "), r.out());
            assertEquals("", r.err(), home + ": nothing on stderr");
            Path out = dir.resolve("out-" + ran);
            Result main = run(root.resolve("bin/blurdm"), dir, Map.of("JAVA_HOME", home), "", "deblur",
                    root.resolve("samples/clock_motion.png").toString(), "--out", out.toString(), "--progress", "none");
            assertEquals(0, main.code(), home + ": the README's main command with the shipped weights: " + main.err());
            assertTrue(Files.size(out.resolve("clock_motion.png")) > 1000, "output written");
            assertFalse(main.err().contains("WARNING") || main.err().contains("ERROR"), home + ": " + main.err());
            Result usage = run(root.resolve("bin/blurdm"), dir, Map.of("JAVA_HOME", home), "", "deblur");
            assertEquals(DeblurCommand.USAGE, usage.code(), usage.err());
            assertFalse(usage.err().contains("WARNING"), usage.err());
            ran++;
        }
        assertTrue(ran > 0);
        assertTrue(File.pathSeparatorChar == ':');
    }
}

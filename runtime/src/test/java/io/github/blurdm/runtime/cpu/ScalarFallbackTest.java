package io.github.blurdm.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Nothing may need {@code jdk.incubator.vector} to run (STYLE.md, "CPU hot loops"): a child JVM started
 * without {@code --add-modules} builds a CPU backend that falls back to the scalar loops and computes
 * exactly what the scalar backend computes here.
 */
class ScalarFallbackTest {

    @Test
    void runsWithoutTheVectorModule() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ScalarFallbackMain.class.getName()));
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(buf);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String output = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "child JVM failed:\n" + output);
        assertTrue(output.contains("usesVector=false"), output);
        assertTrue(output.contains("available=false"), output);

        int expected;
        try (CpuBackend scalar = new CpuBackend(2, false)) {
            expected = ScalarFallbackMain.checksum(ScalarFallbackMain.compute(scalar));
        }
        assertTrue(output.lines().anyMatch(l -> l.equals("checksum=" + expected)),
                "child checksum differs from the in-process scalar result " + expected + ":\n" + output);
    }
}

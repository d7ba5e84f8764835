package io.github.blurdm.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.kernels.Kernels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The NVRTC fallback compiles the real kernel sources to CUBINs with nvcc (no GPU needed). */
class NvccCompilerTest {
    private static Path nvcc() {
        Path p = NvccCompiler.find();
        Assumptions.assumeTrue(p != null, "nvcc is not on this machine (PATH, CUDA_HOME, /usr/local/cuda)");
        return p;
    }

    @Test
    void compilesAKernelFileToAnElfCubin() {
        Path nvcc = nvcc();
        byte[] cubin = NvccCompiler.compile(nvcc, "linear.cu", Kernels.source("linear.cu"), "sm_90", List.of("-DACT=2"));
        assertTrue(cubin.length > 1000, "cubin of " + cubin.length + " bytes");
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(cubin, 4), "a CUBIN is an ELF file");
        assertTrue(NvccCompiler.version(nvcc).matches("\\d+\\.\\d+"), NvccCompiler.version(nvcc));
    }

    @Test
    void aBrokenSourceReportsFileCommandAndLog() {
        Path nvcc = nvcc();
        NvrtcException e = assertThrows(NvrtcException.class, () -> NvccCompiler.compile(nvcc, "broken.cu",
                "extern \"C\" __global__ void k(float* o) { o[0] = undefined_name; }", "sm_80", List.of()));
        assertTrue(e.getMessage().contains("broken.cu") && e.getMessage().contains("undefined_name"), e.getMessage());
    }

    @Test
    void thePropertyChoosesTheCompiler() {
        Path nvcc = nvcc();
        String old = System.getProperty("blurdm.nvcc");
        try {
            System.setProperty("blurdm.nvcc", nvcc.toString());
            assertTrue(nvcc.equals(NvccCompiler.find()));
        } finally {
            if (old == null) {
                System.clearProperty("blurdm.nvcc");
            } else {
                System.setProperty("blurdm.nvcc", old);
            }
        }
    }
}

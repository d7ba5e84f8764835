package io.github.blurdm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.runtime.cuda.CudaBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The README's "Using the runtime as a library" example, run as written: a convolution through
 * {@code Backends.create(BackendChoice.AUTO)} (the GPU when usable, else the CPU) against a plain
 * loop, and a check that the README still shows this exact code.
 */
class LibraryExampleTest {

    // README example begin
    /** A 3x3 convolution, 3 -> 8 channels, with bias and ReLU, on the GPU when one is usable, else on the CPU. */
    static float[] convolve(float[] image, int h, int w, float[] weights, float[] bias) {
        try (Backend backend = Backends.create(BackendChoice.AUTO);
             Tensor x = backend.upload(Tensor.of(image, 1, 3, h, w));        // NCHW, float32
             Tensor k = backend.upload(Tensor.of(weights, 8, 3, 3, 3));      // [Cout, Cin, kH, kW]
             Tensor b = backend.upload(Tensor.of(bias, 8))) {
            Conv2dParams p = Conv2dParams.of(1, 1).withActivation(Activation.RELU);   // stride 1, padding 1
            try (Tensor y = backend.allocate(OpShapes.conv2d(x, k, b, p))) {
                backend.conv2d(y, x, k, b, p);                               // queued; download waits
                float[] out = backend.download(y).data();                   // [1, 8, h, w]
                if (backend instanceof CudaBackend gpu) {
                    System.out.println(gpu.name() + ": " + gpu.memoryStats() + "; " + gpu.cacheStats());
                }
                return out;
            }
        }
    }
    // README example end

    @Test
    void exampleConvolvesLikeAPlainLoop() {
        int h = 7;
        int w = 9;
        Random r = new Random(5);
        float[] image = uniform(r, 3 * h * w);
        float[] weights = uniform(r, 8 * 3 * 3 * 3);
        float[] bias = uniform(r, 8);
        float[] got = convolve(image, h, w, weights, bias);
        assertEquals(8 * h * w, got.length);
        for (int co = 0; co < 8; co++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double acc = bias[co];
                    for (int ci = 0; ci < 3; ci++) {
                        for (int di = -1; di <= 1; di++) {
                            for (int dj = -1; dj <= 1; dj++) {
                                int y = i + di;
                                int x = j + dj;
                                if (y >= 0 && y < h && x >= 0 && x < w) {
                                    acc += (double) image[(ci * h + y) * w + x] * weights[((co * 3 + ci) * 3 + di + 1) * 3 + dj + 1];
                                }
                            }
                        }
                    }
                    double want = Math.max(acc, 0);
                    float g = got[(co * h + i) * w + j];
                    assertTrue(Math.abs(g - want) <= 1e-5 * Math.max(1, Math.abs(want)),
                            "out[0," + co + "," + i + "," + j + "] = " + g + ", want " + want);
                }
            }
        }
    }

    /** The README shows the example above, character for character (indentation aside). */
    @Test
    void readmeShowsThisExample() throws IOException {
        // Maven runs tests in runtime/, bench/gpu/run.sh in the repository root.
        Path root = Files.isRegularFile(Path.of("runtime/pom.xml")) ? Path.of(".") : Path.of("..");
        Path readme = root.resolve("README.md");
        Path self = root.resolve("runtime/src/test/java/io/github/blurdm/runtime/LibraryExampleTest.java");
        Assumptions.assumeTrue(Files.isRegularFile(readme) && Files.isRegularFile(self),
                "README.md or this test's source is not found from " + Path.of("").toAbsolutePath());
        String source = Files.readString(self, StandardCharsets.UTF_8);
        String example = source.substring(source.indexOf("// README example begin\n") + 24,
                source.indexOf("    // README example end"));
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        assertTrue(normalise(text).contains(normalise(example)),
                "README.md's \"Using the runtime as a library\" must show LibraryExampleTest.convolve as written:\n" + example);
    }

    private static String normalise(String s) {
        StringBuilder b = new StringBuilder();
        for (String line : s.split("\n")) {
            if (!line.isBlank()) {
                b.append(line.strip()).append('\n');
            }
        }
        return b.toString();
    }

    private static float[] uniform(Random r, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextFloat() * 2f - 1f;
        }
        return d;
    }
}

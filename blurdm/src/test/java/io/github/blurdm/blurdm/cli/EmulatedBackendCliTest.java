package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.runtime.BackendChoice;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.TensorData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The debug switch: {@code --backend cuda-emulated} (or {@code -Dblurdm.backend=cuda-emulated}) runs the CLI
 * on the emulated CUDA device, and {@code blurdm info} says so.
 */
class EmulatedBackendCliTest {
    @TempDir
    Path dir;

    @Test
    void infoSaysWhenTheEmulatedDeviceIsInUse() {
        String old = System.getProperty(BackendChoice.PROPERTY);
        try {
            System.setProperty(BackendChoice.PROPERTY, "cuda-emulated");
            CliRun r = CliRun.of("info");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("default  cuda-emulated (set by -Dblurdm.backend")
                    && r.out().contains("emulated device, for debugging only"), r.out());
            assertTrue(r.out().contains("backend  cuda-emulated"), r.out());
        } finally {
            if (old == null) {
                System.clearProperty(BackendChoice.PROPERTY);
            } else {
                System.setProperty(BackendChoice.PROPERTY, old);
            }
        }
    }

    @Test
    void deblurOnTheEmulatedDeviceWritesTheCpusImage() throws Exception {
        Path fixtures = Path.of(EmulatedBackendCliTest.class.getResource("/fixtures/mimo_small/").toURI());
        Tensor image;
        try (SafetensorsFile f = SafetensorsFile.open(fixtures.resolve("cases.safetensors"))) {
            TensorData t = f.get("c0/image");
            image = Tensor.of(t.toFloats(), t.intShape());
        }
        Path png = dir.resolve("blurry.png");
        Images.writePng(Images.fromRgb(image), png);
        float[][] results = new float[2][];
        String[] backends = {"cpu", "cuda-emulated"};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve(backends[i]);
            CliRun r = CliRun.of("deblur", "--weights", fixtures.resolve("model.safetensors"), "--noise",
                    fixtures.resolve("noise_c0.npy"), "--backend", backends[i], "--out", out, png);
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.isRegularFile(out.resolve("blurry.png")), r.out() + r.err());
            results[i] = Images.toRgb(Images.read(out.resolve("blurry.png"))).data();
        }
        assertArrayEquals(results[0], results[1], 1f, "emulated CUDA output within one level of the CPU's");
    }
}

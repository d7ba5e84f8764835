package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deblur} without {@code --weights}: property, environment, then the installation's shipped model. */
class DefaultWeightsTest {
    @TempDir
    Path dir;

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void propertyThenEnvironmentThenShippedFile() throws Exception {
        Path home = dir.resolve("home");
        Path shipped = home.resolve(DefaultWeights.SHIPPED);
        Files.createDirectories(shipped.getParent());
        Files.writeString(shipped, "x");
        assertEquals(Path.of("/p.safetensors"), DefaultWeights.resolve(
                props("blurdm.weights", "/p.safetensors", "blurdm.home", home.toString()),
                Map.of("BLURDM_WEIGHTS", "/e.safetensors")));
        assertEquals(Path.of("/e.safetensors"), DefaultWeights.resolve(props("blurdm.home", home.toString()),
                Map.of("BLURDM_WEIGHTS", "/e.safetensors")));
        assertEquals(shipped, DefaultWeights.resolve(props("blurdm.home", home.toString()), Map.of()));
    }

    @Test
    void noDefaultIsExplained() {
        DefaultWeights.MissingWeights unknownHome = assertThrows(DefaultWeights.MissingWeights.class,
                () -> DefaultWeights.resolve(props(), Map.of()));
        assertTrue(unknownHome.getMessage().contains("--weights"), unknownHome.getMessage());
        DefaultWeights.MissingWeights missing = assertThrows(DefaultWeights.MissingWeights.class,
                () -> DefaultWeights.resolve(props("blurdm.home", dir.toString()), Map.of()));
        assertTrue(missing.getMessage().contains(dir.resolve(DefaultWeights.SHIPPED).toString()), missing.getMessage());
    }

    @Test
    void deblurUsesTheDefaultAndExitsThreeWithoutOne() throws Exception {
        Path png = dir.resolve("in.png");
        float[] px = new float[24 * 16 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i * 37) % 256;
        }
        Images.writePng(Images.fromRgb(Tensor.of(px, 24, 16, 3)), png);
        Path model = Path.of(getClass().getResource("/fixtures/mimo_small/model.safetensors").toURI());
        String oldWeights = System.getProperty("blurdm.weights");
        String oldHome = System.getProperty("blurdm.home");
        try {
            System.setProperty("blurdm.weights", model.toString());
            CliRun ok = CliRun.of("deblur", "--backend", "cpu", "--progress", "none", "--out", dir.resolve("out"), png);
            assertEquals(0, ok.code(), ok.err());
            assertTrue(Files.exists(dir.resolve("out/in.png")));
            System.clearProperty("blurdm.weights");
            System.setProperty("blurdm.home", dir.toString());
            CliRun none = CliRun.of("deblur", "--backend", "cpu", "--out", dir.resolve("out2"), png);
            assertEquals(DeblurCommand.CANNOT_START, none.code(), none.err());
            assertTrue(none.err().contains("shipped model") && none.err().contains("--weights"), none.err());
        } finally {
            restore("blurdm.weights", oldWeights);
            restore("blurdm.home", oldHome);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}

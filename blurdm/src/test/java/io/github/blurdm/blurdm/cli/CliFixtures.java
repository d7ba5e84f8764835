package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.TensorData;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One test-resource folder of PyTorch-made CLI fixtures ({@code /fixtures/<folder>/}): its files, the tensors of
 * its {@code cases.safetensors}, input images written from them, and the check of an output image against the
 * reference's (every value within one 8-bit level).
 */
final class CliFixtures {
    private final String folder;

    CliFixtures(String folder) {
        this.folder = folder;
    }

    /** A file of the folder. */
    Path file(String name) throws Exception {
        var url = CliFixtures.class.getResource("/fixtures/" + folder + "/" + name);
        if (url == null) {
            throw new IllegalStateException("no test fixture /fixtures/" + folder + "/" + name);
        }
        return Path.of(url.toURI());
    }

    /** The tensor {@code key} of cases.safetensors. */
    Tensor tensor(String key) throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(file("cases.safetensors"))) {
            TensorData t = f.get(key);
            return Tensor.of(t.toFloats(), t.intShape());
        }
    }

    /** Writes the [H,W,3] image tensor {@code key} as {@code dir/<name>.png} (folders made) and returns its path. */
    Path png(Path dir, String key, String name) throws Exception {
        Path png = dir.resolve(name + ".png");
        Files.createDirectories(png.getParent());
        Images.writePng(Images.fromRgb(tensor(key)), png);
        return png;
    }

    /**
     * Asserts that the image file has the reference image {@code key}'s size and every value within one 8-bit level
     * of it; returns how many values are off by one.
     */
    int assertWithinOneLevel(Path png, String key) throws Exception {
        float[] got = Images.toRgb(Images.read(png)).toArray();
        float[] want = tensor(key).toArray();
        assertEquals(want.length, got.length, key + ": number of values");
        int off = 0;
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(got[i] - want[i]) <= 1, key + " value " + i + ": " + got[i] + " vs " + want[i]);
            off += got[i] != want[i] ? 1 : 0;
        }
        return off;
    }
}

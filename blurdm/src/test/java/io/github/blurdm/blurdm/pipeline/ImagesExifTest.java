package io.github.blurdm.blurdm.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * JPEGs tagged with each EXIF orientation come back upright, as PIL's {@code exif_transpose} turns them
 * (fixtures: weights/reference/make_image_fixtures.py; one stored 24x16 picture of six flat colour
 * blocks, so a wrong turn or mirror misplaces whole blocks while decoders agree within a few levels).
 */
class ImagesExifTest {
    private static Path fixture(String name) throws Exception {
        return Path.of(ImagesExifTest.class.getResource("/fixtures/images/exif/" + name).toURI());
    }

    /** Largest difference of any channel of any pixel; the sizes must match. */
    private static int maxDiff(BufferedImage a, BufferedImage b) {
        assertEquals(b.getWidth(), a.getWidth(), "width");
        assertEquals(b.getHeight(), a.getHeight(), "height");
        int worst = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s < 24; s += 8) {
                    worst = Math.max(worst, Math.abs(((p >> s) & 255) - ((q >> s) & 255)));
                }
            }
        }
        return worst;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void turnedUprightLikePil(int orientation) throws Exception {
        BufferedImage got = Images.read(fixture("o" + orientation + ".jpg"));
        BufferedImage want = ImageIO.read(fixture("o" + orientation + ".expected.png").toFile());
        int d = maxDiff(got, want);
        assertTrue(d <= 6, "orientation " + orientation + ": max difference " + d);
        if (orientation > 1) {
            // the stored picture differs from the upright one (a no-op would fail above or here)
            BufferedImage stored = ImageIO.read(fixture("o1.expected.png").toFile());
            assertTrue(stored.getWidth() != got.getWidth() || maxDiff(got, stored) > 100, "orientation " + orientation);
        }
    }

    @Test
    void unreadableExifLeavesThePictureAsStored() throws Exception {
        BufferedImage got = Images.read(fixture("bad_exif.jpg"));
        int d = maxDiff(got, ImageIO.read(fixture("o1.expected.png").toFile()));
        assertTrue(d <= 6, "max difference " + d);
    }
}

package io.github.blurdm.blurdm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 8-bit grayscale becomes three equal channels of the same values, as PIL's convert('RGB') does. */
class ImagesGrayTest {
    @TempDir
    Path dir;

    @Test
    void grayPngValuesAreReplicatedUnchanged() throws Exception {
        int[] vals = {0, 50, 128, 200, 255};
        BufferedImage g = new BufferedImage(vals.length, 1, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < vals.length; x++) {
            g.getRaster().setSample(x, 0, 0, vals[x]);
        }
        Path png = dir.resolve("g.png");
        ImageIO.write(g, "png", png.toFile());
        float[] want = new float[vals.length * 3];
        for (int i = 0; i < want.length; i++) {
            want[i] = vals[i / 3];
        }
        assertArrayEquals(want, Images.toRgb(g).data());
        assertArrayEquals(want, Images.toRgb(Images.read(png)).data());
    }
}

package io.github.blurdm.blurdm.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The continuous-exposure synthesiser: determinism, the still path, linear-light averaging, box blur. */
class MotionBlurSynthTest {
    /** A textured 8-bit photo (smooth gradients plus noise), decoded to linear light. */
    static LinearImage photo(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int red = (int) (127 + 100 * Math.sin(x * 0.11) + r.nextInt(28));
                int green = (int) (127 + 100 * Math.cos(y * 0.07) + r.nextInt(28));
                int blue = (x * 255 / w + y * 255 / h) / 2;
                img.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
        return LinearImage.fromSrgb(img);
    }

    static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void sameSeedGivesIdenticalPairsAndAnotherSeedDoesNot() {
        LinearImage p = photo(200, 150, 1);
        MotionBlurSynth.Settings s = MotionBlurSynth.Settings.defaults(64, 48);
        MotionBlurSynth.Pair a = MotionBlurSynth.generate(p, 42, s);
        MotionBlurSynth.Pair b = MotionBlurSynth.generate(p, 42, s);
        MotionBlurSynth.Pair c = MotionBlurSynth.generate(p, 43, s);
        assertArrayEquals(pixels(a.blurred()), pixels(b.blurred()));
        assertArrayEquals(pixels(a.sharp()), pixels(b.sharp()));
        assertFalse(Arrays.equals(pixels(a.blurred()), pixels(c.blurred())));
    }

    @Test
    void srgbRoundTripIsExact() {
        for (int v = 0; v < 256; v++) {
            assertEquals(v, LinearImage.encode8(LinearImage.decode8(v)), "code " + v);
        }
    }

    @Test
    void stillPathGivesTheSharpCropExactlyWithoutNoiseAndCloselyWithIt() {
        LinearImage p = photo(120, 90, 2);
        MotionBlurSynth.Settings still = new MotionBlurSynth.Settings(64, 48, 49, 0, 0, 0, 0, 0, 0);
        MotionBlurSynth.Pair pair = MotionBlurSynth.generate(p, 7, still);
        int[] blurred = pixels(pair.blurred());
        int[] sharp = pixels(pair.sharp());
        assertArrayEquals(sharp, blurred);
        // the target is the unwarped crop of the photo
        MotionBlurSynth.PairInfo in = pair.info();
        BufferedImage full = p.toSrgb();
        assertArrayEquals(full.getRGB(in.cropX(), in.cropY(), 64, 48, null, 0, 64), sharp);

        MotionBlurSynth.Settings noisy = new MotionBlurSynth.Settings(64, 48, 49, 0, 0, 0, 0, 1e-3, 1e-3);
        MotionBlurSynth.Pair n = MotionBlurSynth.generate(p, 7, noisy);
        int[] nb = pixels(n.blurred());
        assertArrayEquals(sharp, pixels(n.sharp()), "the target carries no noise");
        double sum = 0;
        int max = 0;
        for (int i = 0; i < nb.length; i++) {
            for (int sh = 0; sh <= 16; sh += 8) {
                int d = Math.abs(((nb[i] >> sh) & 0xff) - ((sharp[i] >> sh) & 0xff));
                sum += d;
                max = Math.max(max, d);
            }
        }
        double mean = sum / (3.0 * nb.length);
        assertTrue(mean > 0.3 && mean < 8, "mean |noise| in 8-bit codes: " + mean);
        assertTrue(max < 60, "largest noise excursion: " + max);
    }

    @Test
    void blurAveragesInLinearLightNotInSrgb() {
        // black left half, white right half; a long horizontal path mixes them half and half at the edge
        int w = 96;
        int h = 8;
        float[] v = new float[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = w / 2; x < w; x++) {
                Arrays.fill(v, (y * w + x) * 3, (y * w + x) * 3 + 3, 1f);
            }
        }
        LinearImage edge = new LinearImage(w, h, v);
        LinearImage out = MotionBlurSynth.render(edge, 0, 0, w, h, CameraPath.straight(41, 0), null, 49);
        // the pixel at the boundary sees the black and the white halves about equally: linear 0.5
        int x = w / 2;
        int code = out.toSrgb().getRGB(x, 4) & 0xff;
        int codeLeft = out.toSrgb().getRGB(x - 1, 4) & 0xff;
        int mid = (code + codeLeft) / 2;
        assertTrue(Math.abs(mid - LinearImage.encode8(0.5)) <= 4, "linear-light mix near 188, got " + mid);
        assertTrue(mid > 128 + 40, "sRGB averaging would give about 128, got " + mid);
    }

    @Test
    void straightHorizontalPathOfLengthLIsABoxBlurOfLengthL() {
        int w = 64;
        int h = 9;
        int length = 12;
        float[] v = new float[w * h * 3];
        for (int y = 0; y < h; y++) {
            Arrays.fill(v, (y * w + 30) * 3, (y * w + 30) * 3 + 3, 1f);  // a one-pixel vertical line at x = 30
        }
        LinearImage line = new LinearImage(w, h, v);
        LinearImage out = MotionBlurSynth.render(line, 0, 0, w, h, CameraPath.straight(length, 0), null, 49);
        float[] o = out.data();
        double total = 0;
        int support = 0;
        float peak = 0;
        int first = -1;
        int last = -1;
        for (int x = 0; x < w; x++) {
            float g = o[(4 * w + x) * 3 + 1];
            total += g;
            peak = Math.max(peak, g);
            if (g > 1e-6) {
                support++;
                first = first < 0 ? x : first;
                last = x;
            }
        }
        assertEquals(1.0, total, 1e-4, "energy is conserved");
        assertTrue(support >= length && support <= length + 2, "support " + support + " for L = " + length);
        assertEquals(last - first + 1, support, "one contiguous run");
        assertEquals(1.0 / length, peak, 0.25 / length, "flat top of height 1/L");
        // interior values all close to 1/L: a box, not a triangle or a Gaussian
        for (int x = first + 1; x < last; x++) {
            float g = o[(4 * w + x) * 3 + 1];
            assertEquals(1.0 / length, g, 0.25 / length, "x = " + x);
        }
    }

    @Test
    void randomPathsAreCentredAndWithinTheRequestedLengths() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            CameraPath c = CameraPath.random(r, 5, 30, Math.toRadians(1.5));
            assertEquals(0.0, c.dx(0.5), 0.0);
            assertEquals(0.0, c.dy(0.5), 0.0);
            assertEquals(0.0, c.angle(0.5), 0.0);
            assertTrue(c.chordLength() >= 5 - 1e-9 && c.chordLength() <= 30 + 1e-9);
            assertTrue(c.arcLength() >= c.chordLength() - 1e-6 && c.arcLength() < 3 * c.chordLength());
            assertTrue(Math.abs(c.rotationDegrees()) <= 1.5 + 1e-9);
        }
    }
}

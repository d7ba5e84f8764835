package io.github.blurdm.blurdm.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Depth-of-field defocus in the synthesiser: in both images, a disk blur, the ramp's sharp side untouched. */
class DefocusTest {
    private static final int W = 64;
    private static final int H = 48;
    /** No motion, no object, no noise, always defocused with radii up to 4 px. */
    private static final MotionBlurSynth.Settings STILL_DEFOCUSED =
            new MotionBlurSynth.Settings(W, H, 49, 0, 0, 0, 0, 0, 0).withDefocus(1.0, 4.0);

    private static long seedWhere(LinearImage p, Predicate<Defocus> want) {
        return seedWhere(p, STILL_DEFOCUSED, want);
    }

    private static long seedWhere(LinearImage p, MotionBlurSynth.Settings s, Predicate<Defocus> want) {
        for (long seed = 1; seed < 1000; seed++) {
            Defocus d = MotionBlurSynth.generate(p, seed, s).info().defocus();
            if (want.test(d)) {
                return seed;
            }
        }
        throw new AssertionError("no seed under 1000 draws the wanted defocus");
    }

    /** Independent reference: photo (linear) convolved with a normalised anti-aliased disk, edges replicated. */
    private static double[] diskBlur(LinearImage p, int x, int y, double radius) {
        int reach = (int) Math.ceil(radius + 0.5);
        double[] acc = new double[3];
        double total = 0;
        for (int dy = -reach; dy <= reach; dy++) {
            for (int dx = -reach; dx <= reach; dx++) {
                double k = Math.max(0, Math.min(1, radius + 0.5 - Math.sqrt(dx * dx + dy * dy)));
                int sx = Math.max(0, Math.min(p.width() - 1, x + dx));
                int sy = Math.max(0, Math.min(p.height() - 1, y + dy));
                for (int c = 0; c < 3; c++) {
                    acc[c] += k * p.data()[(sy * p.width() + sx) * 3 + c];
                }
                total += k;
            }
        }
        for (int c = 0; c < 3; c++) {
            acc[c] /= total;
        }
        return acc;
    }

    @Test
    void wholeFrameDefocusIsADiskBlurInBothImages() {
        LinearImage p = MotionBlurSynthTest.photo(120, 90, 3);
        long seed = seedWhere(p, d -> d.wholeFrame() && d.radius() > 2.5);
        MotionBlurSynth.Pair pair = MotionBlurSynth.generate(p, seed, STILL_DEFOCUSED);
        Defocus d = pair.info().defocus();
        int[] sharp = MotionBlurSynthTest.pixels(pair.sharp());
        assertArrayEquals(sharp, MotionBlurSynthTest.pixels(pair.blurred()), "no motion: the input is the target");
        int differs = 0;
        int[] original = p.toSrgb().getRGB(pair.info().cropX(), pair.info().cropY(), W, H, null, 0, W);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double[] want = diskBlur(p, pair.info().cropX() + x, pair.info().cropY() + y, d.radius());
                int got = sharp[y * W + x];
                for (int c = 0; c < 3; c++) {
                    int code = (got >> (16 - 8 * c)) & 0xff;
                    assertEquals(LinearImage.encode8(want[c]), code, 1, "pixel " + x + "," + y + " channel " + c);
                }
                differs += got != original[y * W + x] ? 1 : 0;
            }
        }
        assertTrue(differs > W * H / 2, "the target is blurred, not the sharp crop: " + differs + " pixels differ");
    }

    @Test
    void rampLeavesItsInFocusSideExactlySharp() {
        LinearImage p = MotionBlurSynthTest.photo(120, 90, 4);
        long seed = seedWhere(p, d -> !d.wholeFrame() && d.radius() > 2 && d.rampWidth() < 20);
        MotionBlurSynth.Pair pair = MotionBlurSynth.generate(p, seed, STILL_DEFOCUSED);
        Defocus d = pair.info().defocus();
        int[] sharp = MotionBlurSynthTest.pixels(pair.sharp());
        int[] original = p.toSrgb().getRGB(pair.info().cropX(), pair.info().cropY(), W, H, null, 0, W);
        int inFocus = 0;
        int blurredChanged = 0;
        int fullyBlurred = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double wt = d.weight(x, y);
                if (wt == 0) {
                    inFocus++;
                    assertEquals(original[y * W + x], sharp[y * W + x], "in-focus pixel " + x + "," + y);
                } else if (wt == 1) {
                    fullyBlurred++;
                    blurredChanged += original[y * W + x] != sharp[y * W + x] ? 1 : 0;
                }
            }
        }
        assertTrue(inFocus > 0 || fullyBlurred > 0, "the ramp crosses the crop");
        assertTrue(fullyBlurred == 0 || blurredChanged > fullyBlurred / 2,
                blurredChanged + " of " + fullyBlurred + " defocused pixels changed");
    }

    @Test
    void motionIsAddedOnTopOfTheDefocus() {
        LinearImage p = MotionBlurSynthTest.photo(200, 150, 5);
        // no noise, which would add detail to the input; paths of 10 px or more
        MotionBlurSynth.Settings s = new MotionBlurSynth.Settings(W, H, 49, 10, 30, 1.5, 0, 0, 0).withDefocus(1.0, 3.0);
        MotionBlurSynth.Pair pair = MotionBlurSynth.generate(p, seedWhere(p, s, d -> d.wholeFrame()), s);
        assertNotNull(pair.info().defocus());
        // the target is the defocused scene at mid-exposure: smoother than the sharp photo but not motion-blurred
        double sharpEnergy = gradientEnergy(pair.sharp());
        double inputEnergy = gradientEnergy(pair.blurred());
        BufferedImage crop = MotionBlurSynth.render(p, pair.info().cropX(), pair.info().cropY(), W, H,
                pair.info().path(), null, 0.5).toSrgb();
        assertTrue(gradientEnergy(crop) > sharpEnergy, "defocus removes detail from the target");
        assertTrue(sharpEnergy > inputEnergy, "motion removes more from the input");
    }

    @Test
    void withoutDefocusNothingIsDrawnAndPairsAreUnchanged() {
        LinearImage p = MotionBlurSynthTest.photo(200, 150, 6);
        MotionBlurSynth.Settings plain = MotionBlurSynth.Settings.defaults(W, H);
        MotionBlurSynth.Pair a = MotionBlurSynth.generate(p, 9, plain);
        MotionBlurSynth.Pair b = MotionBlurSynth.generate(p, 9, plain.withDefocus(0, 6));
        assertNull(a.info().defocus());
        assertArrayEquals(MotionBlurSynthTest.pixels(a.blurred()), MotionBlurSynthTest.pixels(b.blurred()));
        // the same pair as rendering the path directly (what generate did before defocus existed), bar noise
        MotionBlurSynth.Settings quiet = new MotionBlurSynth.Settings(W, H, 49, 5, 30, 1.5, 0, 0, 0);
        MotionBlurSynth.Pair q = MotionBlurSynth.generate(p, 9, quiet);
        LinearImage direct = MotionBlurSynth.render(p, q.info().cropX(), q.info().cropY(), W, H, q.info().path(),
                null, 49);
        assertArrayEquals(MotionBlurSynthTest.pixels(direct.toSrgb()), MotionBlurSynthTest.pixels(q.blurred()));
    }

    @Test
    void badSettingsAreRefused() {
        MotionBlurSynth.Settings s = MotionBlurSynth.Settings.defaults(W, H);
        assertThrows(IllegalArgumentException.class, () -> s.withDefocus(1.5, 4));
        assertThrows(IllegalArgumentException.class, () -> s.withDefocus(0.5, 0.5));
        assertThrows(IllegalArgumentException.class, () -> s.withDefocus(0.5, 100));
    }

    /** Sum of squared horizontal and vertical differences of the green channel. */
    private static double gradientEnergy(BufferedImage img) {
        double e = 0;
        for (int y = 1; y < img.getHeight(); y++) {
            for (int x = 1; x < img.getWidth(); x++) {
                int g = (img.getRGB(x, y) >> 8) & 0xff;
                int dx = g - ((img.getRGB(x - 1, y) >> 8) & 0xff);
                int dy = g - ((img.getRGB(x, y - 1) >> 8) & 0xff);
                e += dx * dx + dy * dy;
            }
        }
        return e;
    }
}

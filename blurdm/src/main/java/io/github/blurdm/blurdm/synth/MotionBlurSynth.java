package io.github.blurdm.blurdm.synth;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Makes (blurred, sharp) training pairs from a sharp photo with the continuous-exposure model: the
 * camera moves along a smooth path ({@link CameraPath}) while the shutter is open, optionally with an
 * object moving on its own ({@link MovingObject}); the sensor integrates the scene's radiance, so the
 * blurred image is the average of {@code subframes} bilinearly warped sub-frames <em>in linear light</em>
 * (sRGB decoded, averaged, encoded), plus {@link SensorNoise} added in linear light, then 8-bit quantised.
 * Optionally part of the scene is out of focus ({@link Defocus}) before the camera moves, so both images
 * carry that optical softness and only the motion is to be removed.
 * The sharp target is the sub-frame at the middle of the exposure (t = 1/2), gamma-encoded and quantised,
 * without noise. Sub-frame k is taken at t = (k + 1/2)/subframes, so with an odd count the middle
 * sub-frame is one of them.
 *
 * <p>Deterministic: {@link #generate} draws everything (path, crop, object, noise level, noise values)
 * from one {@link SplittableRandom} seeded with the pair's seed, in a fixed order; the defocus is drawn
 * last among the parameters and only when its probability is above 0, so settings without defocus give
 * the same pairs as before it existed. Stateless and thread-safe.
 */
public final class MotionBlurSynth {
    /**
     * What {@link #generate} draws from.
     *
     * @param width             crop width, pixels
     * @param height            crop height, pixels
     * @param subframes         sub-frames averaged over the exposure (e.g. 49)
     * @param minLength         shortest camera path chord, pixels
     * @param maxLength         longest camera path chord, pixels
     * @param maxRotationDeg    largest total rotation over the exposure, degrees
     * @param objectProbability chance that a pair has a moving object layer
     * @param minShot           lowest shot-noise variance ({@link SensorNoise}); 0 with maxShot 0: no noise
     * @param maxShot           highest shot-noise variance
     * @param defocusProbability chance that part of the scene is out of focus ({@link Defocus})
     * @param maxDefocusRadius  largest defocus disk radius, pixels (radii are uniform from 1 up to it)
     */
    public record Settings(int width, int height, int subframes, double minLength, double maxLength,
                           double maxRotationDeg, double objectProbability, double minShot, double maxShot,
                           double defocusProbability, double maxDefocusRadius) {
        public Settings {
            if (width < 8 || height < 8) {
                throw new IllegalArgumentException("crop must be at least 8x8, got " + width + "x" + height);
            }
            if (subframes < 1) {
                throw new IllegalArgumentException("subframes must be >= 1, got " + subframes);
            }
            if (!(minLength >= 0 && maxLength >= minLength)) {
                throw new IllegalArgumentException("need 0 <= min length <= max length, got " + minLength
                        + ", " + maxLength);
            }
            if (!(maxRotationDeg >= 0) || !(objectProbability >= 0 && objectProbability <= 1)) {
                throw new IllegalArgumentException("bad rotation " + maxRotationDeg + " or object probability "
                        + objectProbability);
            }
            if (!(minShot >= 0 && maxShot >= minShot) || (minShot == 0 && maxShot > 0)) {
                throw new IllegalArgumentException("need 0 < min shot <= max shot, or both 0; got " + minShot
                        + ", " + maxShot);
            }
            if (!(defocusProbability >= 0 && defocusProbability <= 1)) {
                throw new IllegalArgumentException("defocus probability must be in [0, 1], got " + defocusProbability);
            }
            if (defocusProbability > 0
                    && !(maxDefocusRadius >= Defocus.MIN_RADIUS && maxDefocusRadius <= Defocus.MAX_RADIUS)) {
                throw new IllegalArgumentException("max defocus radius must be in [" + Defocus.MIN_RADIUS
                        + ", " + Defocus.MAX_RADIUS + "] pixels, got " + maxDefocusRadius);
            }
        }

        /** Settings without defocus. */
        public Settings(int width, int height, int subframes, double minLength, double maxLength,
                        double maxRotationDeg, double objectProbability, double minShot, double maxShot) {
            this(width, height, subframes, minLength, maxLength, maxRotationDeg, objectProbability, minShot, maxShot,
                    0, 0);
        }

        /** The defaults of {@code blurdm synth}: 49 sub-frames, 5-30 px, 1.5 degrees, 30% objects, noise on, no defocus. */
        public static Settings defaults(int width, int height) {
            return new Settings(width, height, 49, 5, 30, 1.5, 0.3, 1e-5, 1e-3);
        }

        /** These settings with defocus drawn with the given probability and largest radius. */
        public Settings withDefocus(double probability, double maxRadius) {
            return new Settings(width, height, subframes, minLength, maxLength, maxRotationDeg, objectProbability,
                    minShot, maxShot, probability, maxRadius);
        }

        public boolean noisy() {
            return maxShot > 0;
        }
    }

    /** How a pair was made (recorded in pairs.csv); object and defocus are null when absent. */
    public record PairInfo(long seed, int cropX, int cropY, CameraPath path, MovingObject object,
                           SensorNoise noise, Defocus defocus) {
    }

    /** One pair: the blurred input and the sharp target, both 8-bit sRGB, and how they were made. */
    public record Pair(BufferedImage blurred, BufferedImage sharp, PairInfo info) {
    }

    private MotionBlurSynth() {
    }

    /** Draws a pair from {@code photo} (linear light, at least the crop size) with everything seeded by seed. */
    public static Pair generate(LinearImage photo, long seed, Settings s) {
        if (photo.width() < s.width() || photo.height() < s.height()) {
            throw new IllegalArgumentException("photo " + photo.width() + "x" + photo.height()
                    + " is smaller than the crop " + s.width() + "x" + s.height());
        }
        SplittableRandom rng = new SplittableRandom(seed);
        CameraPath path = CameraPath.random(rng, s.minLength(), s.maxLength(), Math.toRadians(s.maxRotationDeg()));
        int margin = (int) Math.ceil(path.maxExtent(Math.hypot(s.width(), s.height()) / 2) + 1);
        int cropX = pick(rng, photo.width(), s.width(), margin);
        int cropY = pick(rng, photo.height(), s.height(), margin);
        MovingObject object = null;
        if (rng.nextDouble() < s.objectProbability()) {
            double side = Math.min(s.width(), s.height());
            double rx = side * (0.12 + 0.18 * rng.nextDouble());
            double ry = side * (0.12 + 0.18 * rng.nextDouble());
            double len = s.minLength() + (s.maxLength() - s.minLength()) * rng.nextDouble();
            double dir = 2 * Math.PI * rng.nextDouble();
            double tx = rx + (photo.width() - 2 * rx) * rng.nextDouble();
            double ty = ry + (photo.height() - 2 * ry) * rng.nextDouble();
            object = new MovingObject(s.width() * rng.nextDouble(), s.height() * rng.nextDouble(), rx, ry,
                    tx, ty, len * Math.cos(dir), len * Math.sin(dir));
        }
        SensorNoise noise = s.noisy() ? SensorNoise.random(rng, s.minShot(), s.maxShot()) : SensorNoise.NONE;
        Defocus defocus = s.defocusProbability() > 0 && rng.nextDouble() < s.defocusProbability()
                ? Defocus.random(rng, s.maxDefocusRadius(), s.width(), s.height()) : null;
        LinearImage scene = photo;
        int sceneX = cropX;
        int sceneY = cropY;
        if (defocus != null) {
            // only the region the camera path can see is defocused: the crop plus the path's margin
            sceneX = margin + 1;
            sceneY = margin + 1;
            scene = defocus.applyTo(photo, cropX - sceneX, cropY - sceneY, s.width() + 2 * sceneX,
                    s.height() + 2 * sceneY, cropX, cropY);
        }
        LinearImage blurred = exposure(scene, sceneX, sceneY, photo, s.width(), s.height(), path, object,
                s.subframes());
        noise.apply(blurred, rng);
        LinearImage sharp = frame(scene, sceneX, sceneY, photo, s.width(), s.height(), path, object, 0.5);
        return new Pair(blurred.toSrgb(), sharp.toSrgb(),
                new PairInfo(seed, cropX, cropY, path, object, noise, defocus));
    }

    /** Crop origin: inside the margin where the photo allows it, else anywhere (edges then replicate). */
    private static int pick(SplittableRandom rng, int size, int crop, int margin) {
        int lo = margin;
        int hi = size - crop - margin;
        if (hi < lo) {
            lo = 0;
            hi = size - crop;
        }
        return lo + rng.nextInt(hi - lo + 1);
    }

    /**
     * The exposure average in linear light: mean over sub-frames k of the scene warped by the path at
     * t = (k + 1/2)/subframes, for the w x h crop at (cropX, cropY) of photo. No noise.
     */
    public static LinearImage render(LinearImage photo, int cropX, int cropY, int w, int h, CameraPath path,
                                     MovingObject object, int subframes) {
        return exposure(photo, cropX, cropY, photo, w, h, path, object, subframes);
    }

    /** One sub-frame at time t (no averaging), e.g. the sharp target at t = 1/2. */
    public static LinearImage render(LinearImage photo, int cropX, int cropY, int w, int h, CameraPath path,
                                     MovingObject object, double t) {
        return frame(photo, cropX, cropY, photo, w, h, path, object, t);
    }

    /** The exposure average of the scene (crop origin at (cropX, cropY)); object textures come from photo. */
    private static LinearImage exposure(LinearImage scene, int cropX, int cropY, LinearImage photo, int w, int h,
                                        CameraPath path, MovingObject object, int subframes) {
        LinearImage out = new LinearImage(w, h);
        for (int k = 0; k < subframes; k++) {
            addFrame(scene, cropX, cropY, photo, path, object, (k + 0.5) / subframes, 1f / subframes, out);
        }
        return out;
    }

    /** One sub-frame of the scene at time t; object textures come from photo. */
    private static LinearImage frame(LinearImage scene, int cropX, int cropY, LinearImage photo, int w, int h,
                                     CameraPath path, MovingObject object, double t) {
        LinearImage out = new LinearImage(w, h);
        addFrame(scene, cropX, cropY, photo, path, object, t, 1f, out);
        return out;
    }

    /**
     * acc += weight * (frame at time t): per pixel, rotate about the crop centre, translate, sample the
     * scene (whose crop origin is at (cropX, cropY)); an object layer samples its texture from photo.
     */
    private static void addFrame(LinearImage scene, int cropX, int cropY, LinearImage photo, CameraPath path,
                                 MovingObject object, double t, float weight, LinearImage acc) {
        int w = acc.width();
        int h = acc.height();
        float[] a = acc.data();
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        double th = path.angle(t);
        double cos = Math.cos(th);
        double sin = Math.sin(th);
        double dx = path.dx(t);
        double dy = path.dy(t);
        double[] tex = new double[2];
        float[] obj = object == null ? null : new float[3];
        for (int i = 0; i < h; i++) {
            double py = i - cy;
            for (int j = 0; j < w; j++) {
                double px = j - cx;
                double sx = cos * px - sin * py + cx + dx;  // scene point, crop coordinates
                double sy = sin * px + cos * py + cy + dy;
                int o = (i * w + j) * 3;
                if (object == null) {
                    scene.sampleAdd(sx + cropX, sy + cropY, weight, a, o);
                    continue;
                }
                double cov = object.coverage(sx, sy, t, tex);
                if (cov < 1) {
                    scene.sampleAdd(sx + cropX, sy + cropY, (float) (weight * (1 - cov)), a, o);
                }
                if (cov > 0) {
                    photo.sampleAdd(tex[0], tex[1], (float) (weight * cov), a, o);
                }
            }
        }
    }
}

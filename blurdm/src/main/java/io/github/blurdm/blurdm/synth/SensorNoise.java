package io.github.blurdm.blurdm.synth;

import java.util.SplittableRandom;

/**
 * Poisson-Gaussian sensor noise in linear light, in the heteroscedastic Gaussian form used by
 * Brooks et al., "Unprocessing Images for Learned Raw Denoising" (CVPR 2019): y = x + n with
 * n ~ N(0, shot·x + read). Shot variance is drawn log-uniformly in [minShot, maxShot]; read variance
 * follows their fitted relation log(read) = 2.18·log(shot) + 1.20 + N(0, 0.26²). The result is clamped
 * to [0, 1], as a sensor clips. Immutable.
 *
 * @param shot shot-noise variance per unit of linear signal
 * @param read read-noise variance
 */
public record SensorNoise(double shot, double read) {
    /** No noise. */
    public static final SensorNoise NONE = new SensorNoise(0, 0);

    public SensorNoise {
        if (!(shot >= 0) || !(read >= 0)) {
            throw new IllegalArgumentException("noise variances must be >= 0, got shot " + shot + ", read " + read);
        }
    }

    /** A random noise level (see the class comment). */
    public static SensorNoise random(SplittableRandom rng, double minShot, double maxShot) {
        double shot = Math.exp(Math.log(minShot) + rng.nextDouble() * (Math.log(maxShot) - Math.log(minShot)));
        double read = Math.exp(2.18 * Math.log(shot) + 1.20 + 0.26 * CameraPath.gaussian(rng));
        return new SensorNoise(shot, read);
    }

    /** Adds noise to every value of {@code img} in place (draws one Gaussian per value from rng). */
    public void apply(LinearImage img, SplittableRandom rng) {
        if (shot == 0 && read == 0) {
            return;
        }
        float[] v = img.data();
        for (int i = 0; i < v.length; i++) {
            double x = v[i];
            double sd = Math.sqrt(shot * Math.max(x, 0) + read);
            v[i] = (float) Math.max(0.0, Math.min(1.0, x + sd * CameraPath.gaussian(rng)));
        }
    }
}

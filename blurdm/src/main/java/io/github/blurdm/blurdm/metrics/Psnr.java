package io.github.blurdm.blurdm.metrics;

import io.github.blurdm.runtime.Tensor;

/**
 * Peak signal-to-noise ratio as the official BlurDM evaluation computes it (blurdm-spec.md section 9,
 * {@code calculate_psnr} with {@code crop_border=0}, {@code test_y_channel=False}).
 *
 * <p>Inputs are [H,W,3] RGB images of 8-bit values (0..255), given as host {@link Tensor}s or as
 * row-major H x W x 3 arrays (channel fastest, the layout of
 * {@link io.github.blurdm.blurdm.pipeline.Images#toRgb}). What is computed, in float64:
 * <pre>
 *   MSE       = mean over all H*W*3 values of (gt - pred)^2        (every pixel, all 3 channels)
 *   max_value = 1 if max(gt) &lt;= 1 else 255                        (decided by the ground truth only)
 *   PSNR      = 20 * log10(max_value / sqrt(MSE))                   in dB; +Infinity when MSE = 0
 * </pre>
 * No colour conversion (RGB, not Y), no border crop, no alignment. A dataset's score is the
 * arithmetic mean of the per-image values. Values outside 0..255 are not rejected (the formula is
 * applied as is); NaN values are.
 */
public final class Psnr {
    private Psnr() {
    }

    /** PSNR in dB of {@code pred} against the ground truth {@code gt}, both host tensors [H,W,3]. */
    public static double compute(Tensor gt, Tensor pred) {
        int[] hw = checkShapes(gt, pred);
        return compute(gt.data(), pred.data(), hw[0], hw[1]);
    }

    /** PSNR in dB; {@code gt} and {@code pred} hold at least {@code height*width*3} values, [H,W,3] row-major. */
    public static double compute(float[] gt, float[] pred, int height, int width) {
        int n = checkArrays(gt.length, pred.length, height, width);
        double max = maxValue(gt, n);
        double sum = 0;
        double comp = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) gt[i] - pred[i];
            double t = sum + d * d;
            comp += Math.abs(sum) >= d * d ? (sum - t) + d * d : (d * d - t) + sum;
            sum = t;
        }
        return fromMse((sum + comp) / n, max);
    }

    /** PSNR in dB; as {@link #compute(float[], float[], int, int)} for float64 data. */
    public static double compute(double[] gt, double[] pred, int height, int width) {
        int n = checkArrays(gt.length, pred.length, height, width);
        double max = maxValue(gt, n);
        double sum = 0;
        double comp = 0;
        for (int i = 0; i < n; i++) {
            double d = gt[i] - pred[i];
            double t = sum + d * d;
            comp += Math.abs(sum) >= d * d ? (sum - t) + d * d : (d * d - t) + sum;
            sum = t;
        }
        return fromMse((sum + comp) / n, max);
    }

    /** PSNR in dB of a mean squared error: {@code 20*log10(maxValue/sqrt(mse))}, +Infinity when mse is 0. */
    public static double fromMse(double mse, double maxValue) {
        if (mse == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return 20.0 * Math.log10(maxValue / Math.sqrt(mse));
    }

    /**
     * The peak value of the official code: 1 when every one of the first {@code n} ground-truth values is
     * at most 1, else 255. Throws IllegalArgumentException on NaN.
     */
    public static double maxValue(float[] gt, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = gt[i];
            if (v != v) {
                throw new IllegalArgumentException("ground truth value " + i + " is NaN");
            }
            max = Math.max(max, v);
        }
        return max <= 1 ? 1.0 : 255.0;
    }

    /** As {@link #maxValue(float[], int)} for float64 data. */
    public static double maxValue(double[] gt, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = gt[i];
            if (v != v) {
                throw new IllegalArgumentException("ground truth value " + i + " is NaN");
            }
            max = Math.max(max, v);
        }
        return max <= 1 ? 1.0 : 255.0;
    }

    /** Checks two host tensors are the same [H,W,3] shape and returns {H, W}. */
    static int[] checkShapes(Tensor gt, Tensor pred) {
        int[] s = gt.shape();
        if (s.length != 3 || s[2] != 3) {
            throw new IllegalArgumentException("ground truth must be [H,W,3], got " + java.util.Arrays.toString(s));
        }
        if (!gt.sameShape(pred)) {
            throw new IllegalArgumentException("prediction " + java.util.Arrays.toString(pred.shape())
                    + " and ground truth " + java.util.Arrays.toString(s) + " differ in size");
        }
        return new int[] {s[0], s[1]};
    }

    /** Checks the sizes and returns n = height*width*3. */
    static int checkArrays(int gtLength, int predLength, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be at least 1x1, got " + height + "x" + width);
        }
        long n = 3L * height * width;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(height + "x" + width + " is too large");
        }
        if (gtLength < n || predLength < n) {
            throw new IllegalArgumentException("need " + n + " values for " + height + "x" + width
                    + "x3, got " + gtLength + " (ground truth) and " + predLength + " (prediction)");
        }
        return (int) n;
    }
}

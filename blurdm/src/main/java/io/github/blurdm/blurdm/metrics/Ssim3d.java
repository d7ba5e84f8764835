package io.github.blurdm.blurdm.metrics;

import io.github.blurdm.runtime.Tensor;

/**
 * The "3-D" structural similarity of the official BlurDM evaluation (blurdm-spec.md section 9,
 * {@code calculate_ssim} with {@code ssim3d=True}, {@code crop_border=0}, {@code test_y_channel=False}),
 * computed in float64.
 *
 * <p>Inputs are [H,W,3] RGB images of 8-bit values (0..255), given as host {@link Tensor}s or as
 * row-major H x W x 3 arrays (channel fastest, the layout of
 * {@link io.github.blurdm.blurdm.pipeline.Images#toRgb}). The image is treated as an H x W x 3 volume:
 * <ul>
 *   <li>window: g (x) g (x) g with g the 11-tap Gaussian of sigma 1.5 normalised to sum 1 exactly as
 *       OpenCV's {@code getGaussianKernel(11, 1.5)} computes it ({@code exp(-(i-5)^2/4.5)}, i = 0..10,
 *       times 1/sum; see {@link #window()});</li>
 *   <li>G(v): that window applied along height, width <b>and the channel axis</b> (separably), with
 *       replicate padding of 5 on both sides of every axis, so G(v) has the input's H x W x 3 size
 *       (along the channel axis the 3 channels are padded to 13 by repeating channel 0 and channel 2);</li>
 *   <li>mu1 = G(x), mu2 = G(y), s1 = G(x^2) - mu1^2, s2 = G(y^2) - mu2^2, s12 = G(xy) - mu1 mu2, with x the
 *       ground truth and y the prediction;</li>
 *   <li>C1 = (0.01 L)^2, C2 = (0.03 L)^2, L = max_value = 1 if max(ground truth) &lt;= 1 else 255
 *       ({@link Psnr#maxValue(float[], int)});</li>
 *   <li>map = ((2 mu1 mu2 + C1)(2 s12 + C2)) / ((mu1^2 + mu2^2 + C1)(s1 + s2 + C2));</li>
 *   <li>SSIM = the mean of the map over all H x W x 3 entries.</li>
 * </ul>
 * This is not the per-channel 2-D SSIM of skimage or MATLAB. The official code runs the window as a
 * float32 CUDA Conv3d; this class uses float64 throughout (separable passes, so a 1280x720 pair takes a
 * few hundred milliseconds on one core and about 6 x H x W x 3 doubles of memory).
 */
public final class Ssim3d {
    /** Window taps per axis. */
    public static final int WINDOW = 11;
    /** Standard deviation of the Gaussian window, in pixels (and channels). */
    public static final double SIGMA = 1.5;
    private static final int R = WINDOW / 2;
    private static final double[] G = gaussian(WINDOW, SIGMA);
    /** CH[c][c2]: weight of input channel c2 in output channel c of the replicate-padded channel pass. */
    private static final double[][] CH = channelMatrix();
    // The symmetric taps: G0 = g[0] = g[10], ..., G5 = g[5] (the centre).
    private static final double G0 = G[0];
    private static final double G1 = G[1];
    private static final double G2 = G[2];
    private static final double G3 = G[3];
    private static final double G4 = G[4];
    private static final double G5 = G[5];

    private Ssim3d() {
    }

    /** The 1-D window g (a copy), OpenCV {@code getGaussianKernel(11, 1.5)} in float64. */
    public static double[] window() {
        return G.clone();
    }

    /** 3-D SSIM of {@code pred} against the ground truth {@code gt}, both host tensors [H,W,3]. */
    public static double compute(Tensor gt, Tensor pred) {
        int[] hw = Psnr.checkShapes(gt, pred);
        return compute(gt.data(), pred.data(), hw[0], hw[1]);
    }

    /** 3-D SSIM; {@code gt} and {@code pred} hold at least {@code height*width*3} values, [H,W,3] row-major. */
    public static double compute(float[] gt, float[] pred, int height, int width) {
        int n = Psnr.checkArrays(gt.length, pred.length, height, width);
        double l = Psnr.maxValue(gt, n);
        double[][] q = new double[5][n];
        double[] xv = new double[3];
        double[] yv = new double[3];
        for (int i = 0; i < n; i += 3) {
            for (int c = 0; c < 3; c++) {
                xv[c] = gt[i + c];
                yv[c] = pred[i + c];
            }
            channelPass(xv, yv, q, i);
        }
        return finish(q, height, width, l);
    }

    /** 3-D SSIM; as {@link #compute(float[], float[], int, int)} for float64 data. */
    public static double compute(double[] gt, double[] pred, int height, int width) {
        int n = Psnr.checkArrays(gt.length, pred.length, height, width);
        double l = Psnr.maxValue(gt, n);
        double[][] q = new double[5][n];
        double[] xv = new double[3];
        double[] yv = new double[3];
        for (int i = 0; i < n; i += 3) {
            for (int c = 0; c < 3; c++) {
                xv[c] = gt[i + c];
                yv[c] = pred[i + c];
            }
            channelPass(xv, yv, q, i);
        }
        return finish(q, height, width, l);
    }

    /** OpenCV getGaussianKernel for sigma &gt; 0 and CV_64F: exp(scale2X * x^2), then times 1/sum. */
    static double[] gaussian(int ksize, double sigma) {
        double[] g = new double[ksize];
        double scale2X = -0.5 / (sigma * sigma);
        double sum = 0;
        for (int i = 0; i < ksize; i++) {
            double x = i - (ksize - 1) * 0.5;
            g[i] = Math.exp(scale2X * x * x);
            sum += g[i];
        }
        sum = 1.0 / sum;
        for (int i = 0; i < ksize; i++) {
            g[i] *= sum;
        }
        return g;
    }

    private static double[][] channelMatrix() {
        double[][] m = new double[3][3];
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < WINDOW; k++) {
                m[c][Math.max(0, Math.min(2, c + k - R))] += G[k];
            }
        }
        return m;
    }

    /** The channel-axis pass of x, y, x^2, y^2 and xy for one pixel (3 values at offset i). */
    private static void channelPass(double[] x, double[] y, double[][] q, int i) {
        for (int c = 0; c < 3; c++) {
            double[] m = CH[c];
            double a = 0;
            double b = 0;
            double aa = 0;
            double bb = 0;
            double ab = 0;
            for (int c2 = 0; c2 < 3; c2++) {
                double w = m[c2];
                double xv = x[c2];
                double yv = y[c2];
                a += w * xv;
                b += w * yv;
                aa += w * (xv * xv);
                bb += w * (yv * yv);
                ab += w * (xv * yv);
            }
            q[0][i + c] = a;
            q[1][i + c] = b;
            q[2][i + c] = aa;
            q[3][i + c] = bb;
            q[4][i + c] = ab;
        }
    }

    private static double finish(double[][] q, int h, int w, double l) {
        int n = h * w * 3;
        double[] tmp = new double[n];
        double[] row = new double[w * 3 + 2 * R * 3];
        for (int k = 0; k < 5; k++) {
            blurWidth(q[k], h, w, row);
            blurHeight(q[k], tmp, h, w);
            double[] t = q[k];
            q[k] = tmp;
            tmp = t;
        }
        double c1 = (0.01 * l) * (0.01 * l);
        double c2 = (0.03 * l) * (0.03 * l);
        double[] mu1 = q[0];
        double[] mu2 = q[1];
        double[] xx = q[2];
        double[] yy = q[3];
        double[] xy = q[4];
        double sum = 0;
        double comp = 0;
        for (int i = 0; i < n; i++) {
            double m1 = mu1[i];
            double m2 = mu2[i];
            double m1sq = m1 * m1;
            double m2sq = m2 * m2;
            double m12 = m1 * m2;
            double s1 = xx[i] - m1sq;
            double s2 = yy[i] - m2sq;
            double s12 = xy[i] - m12;
            double v = ((2 * m12 + c1) * (2 * s12 + c2)) / ((m1sq + m2sq + c1) * (s1 + s2 + c2));
            double t = sum + v;
            comp += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }
        return (sum + comp) / n;
    }

    /** In place, along the width: each row is copied replicate-padded into {@code row}, then filtered. */
    private static void blurWidth(double[] a, int h, int w, double[] row) {
        int w3 = w * 3;
        int pad = R * 3;
        for (int y = 0; y < h; y++) {
            int base = y * w3;
            System.arraycopy(a, base, row, pad, w3);
            for (int p = 0; p < R; p++) {
                for (int c = 0; c < 3; c++) {
                    row[p * 3 + c] = a[base + c];
                    row[pad + w3 + p * 3 + c] = a[base + w3 - 3 + c];
                }
            }
            for (int j = 0; j < w3; j++) {
                a[base + j] = G0 * (row[j] + row[j + 30]) + G1 * (row[j + 3] + row[j + 27])
                        + G2 * (row[j + 6] + row[j + 24]) + G3 * (row[j + 9] + row[j + 21])
                        + G4 * (row[j + 12] + row[j + 18]) + G5 * row[j + 15];
            }
        }
    }

    /** Along the height, from {@code in} to {@code out}: whole rows at once, replicate at top and bottom. */
    private static void blurHeight(double[] in, double[] out, int h, int w) {
        int w3 = w * 3;
        for (int y = 0; y < h; y++) {
            int o = y * w3;
            int r0 = rowAt(y - 5, h, w3);
            int r1 = rowAt(y - 4, h, w3);
            int r2 = rowAt(y - 3, h, w3);
            int r3 = rowAt(y - 2, h, w3);
            int r4 = rowAt(y - 1, h, w3);
            int r5 = o;
            int r6 = rowAt(y + 1, h, w3);
            int r7 = rowAt(y + 2, h, w3);
            int r8 = rowAt(y + 3, h, w3);
            int r9 = rowAt(y + 4, h, w3);
            int r10 = rowAt(y + 5, h, w3);
            for (int j = 0; j < w3; j++) {
                out[o + j] = G0 * (in[r0 + j] + in[r10 + j]) + G1 * (in[r1 + j] + in[r9 + j])
                        + G2 * (in[r2 + j] + in[r8 + j]) + G3 * (in[r3 + j] + in[r7 + j])
                        + G4 * (in[r4 + j] + in[r6 + j]) + G5 * in[r5 + j];
            }
        }
    }

    private static int rowAt(int y, int h, int w3) {
        return Math.max(0, Math.min(h - 1, y)) * w3;
    }
}

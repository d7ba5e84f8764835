package io.github.blurdm.spark;

import io.github.blurdm.blurdm.metrics.Psnr;
import io.github.blurdm.blurdm.metrics.Ssim3d;
import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * PSNR and SSIM of a written output against its ground truth, as {@code blurdm eval} measures a pair: both
 * files read back with {@link Images#read} as 8-bit RGB, {@link Psnr} and {@link Ssim3d} on the whole
 * image (RGB, no border crop, float64). Measuring the file rather than the image in memory makes a JPEG
 * output's numbers those of the JPEG, as eval's are.
 */
final class GroundTruthMetrics {
    private GroundTruthMetrics() {
    }

    /** The measured pair, or the error that stopped it (naming the files). */
    record Measured(double psnr, double ssim, String error) {
    }

    /**
     * @param pred        the output as a local file
     * @param gt          the ground truth as a local file
     * @param predName    the output as the table names it
     * @param gtName      the ground truth as the table names it
     */
    static Measured measure(Path pred, Path gt, String predName, String gtName) {
        try {
            Tensor p = Images.toRgb(Images.read(pred));
            Tensor g = Images.toRgb(Images.read(gt));
            if (!p.sameShape(g)) {
                return new Measured(Double.NaN, Double.NaN, "size mismatch: prediction " + p.dim(1) + "x" + p.dim(0)
                        + " (" + predName + "), ground truth " + g.dim(1) + "x" + g.dim(0) + " (" + gtName + ")");
            }
            return new Measured(Psnr.compute(g, p), Ssim3d.compute(g, p), null);
        } catch (IOException | RuntimeException e) {
            return new Measured(Double.NaN, Double.NaN, "ground truth: " + e.getMessage());
        }
    }
}

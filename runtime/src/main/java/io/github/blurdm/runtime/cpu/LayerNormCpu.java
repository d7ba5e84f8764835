package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/**
 * layer_norm over channels of x [N,C,...], the scalar reference (its loop is {@link BiasFreeLayerNormCpu}'s too): at
 * each (n, position) the mean and biased variance of the C values (two passes, double sums); layer_norm writes
 * out = (x - mean) / sqrt(var + eps) * weight[c] + bias[c], bias_free_layer_norm (FFTformer's BiasFree
 * LayerNorm) out = x / sqrt(var + eps) * weight[c], x not centred. Parallel over (n, block of positions); the
 * inner loop walks contiguous positions. out may be x: every input value of a position is read before any of
 * its outputs is written.
 */
public final class LayerNormCpu {
    private static final int BLOCK = 256;

    private LayerNormCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#layerNorm} on the CPU, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias, float eps) {
        normalise(par, out, x, weight, bias, eps, true);
    }

    /** The loop of both: centred with weight and bias (layer_norm), or not centred (bias_free_layer_norm). */
    static void normalise(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias, float eps,
                          boolean centred) {
        final float[] o = out.data();
        final float[] in = x.data();
        final float[] g = weight == null ? null : weight.data();
        final float[] b = bias == null ? null : bias.data();
        final int n = x.dim(0);
        final int c = x.dim(1);
        final int positions = x.size() / (n * c);
        final int blocks = (positions + BLOCK - 1) / BLOCK;
        par.forEach(n * blocks, job -> {
            int img = job / blocks;
            int p0 = (job % blocks) * BLOCK;
            int p1 = Math.min(positions, p0 + BLOCK);
            int base = img * c * positions;
            double[] mean = new double[p1 - p0];
            double[] var = new double[p1 - p0];
            for (int ch = 0; ch < c; ch++) {
                int row = base + ch * positions;
                for (int p = p0; p < p1; p++) {
                    mean[p - p0] += in[row + p];
                }
            }
            for (int p = 0; p < mean.length; p++) {
                mean[p] /= c;
            }
            for (int ch = 0; ch < c; ch++) {
                int row = base + ch * positions;
                for (int p = p0; p < p1; p++) {
                    double d = in[row + p] - mean[p - p0];
                    var[p - p0] += d * d;
                }
            }
            for (int p = 0; p < var.length; p++) {
                var[p] = 1.0 / Math.sqrt(var[p] / c + eps);
            }
            for (int ch = 0; ch < c; ch++) {
                int row = base + ch * positions;
                float gg = g == null ? 1f : g[ch];
                float bb = b == null ? 0f : b[ch];
                if (centred) {
                    for (int p = p0; p < p1; p++) {
                        o[row + p] = (float) ((in[row + p] - mean[p - p0]) * var[p - p0]) * gg + bb;
                    }
                } else {
                    for (int p = p0; p < p1; p++) {
                        o[row + p] = (float) (in[row + p] * var[p - p0]) * gg;
                    }
                }
            }
        });
    }
}

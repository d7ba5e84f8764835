package io.github.blurdm.blurdm.prior;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes of the BlurDM prior generator ({@code LatentExposureDiffusion}). The paper's values are
 * {@link #PAPER}: 64 encoder features, 6 encoder ResBlocks, a 256-d latent, 5 denoiser blocks, T = 5.
 *
 * @param encoderFeatures  LE_arch {@code n_feats}
 * @param encoderResBlocks LE_arch {@code n_encoder_res}
 * @param latent           latent width ({@code n_featsx4}); the prior vector's length
 * @param denoiserBlocks   Linear+LReLU blocks after the input layer of each denoiser
 * @param steps            diffusion steps T
 */
public record PriorConfig(int encoderFeatures, int encoderResBlocks, int latent, int denoiserBlocks, int steps) {
    public static final PriorConfig PAPER = new PriorConfig(64, 6, 256, 5, 5);

    private static final Pattern LE_RES_BLOCK = Pattern.compile("^condition_encoder\\.E\\.(\\d+)\\.body\\.0\\.weight$");
    private static final Pattern DENOISER_BLOCK = Pattern.compile("^noise_model\\.resmlp\\.(\\d+)\\.resmlp\\.0\\.weight$");

    public PriorConfig {
        if (encoderFeatures < 1 || encoderResBlocks < 0 || latent < 1 || denoiserBlocks < 0 || steps < 1) {
            throw new IllegalArgumentException("invalid prior config: " + encoderFeatures + " features, "
                    + encoderResBlocks + " encoder blocks, latent " + latent + ", " + denoiserBlocks
                    + " denoiser blocks, " + steps + " steps");
        }
    }

    /** Whether the names look like a BlurDM prior generator (LatentExposureDiffusion). */
    public static boolean recognises(Collection<String> names) {
        return names.contains("condition_encoder.E.0.weight") && names.contains("noise_model.resmlp.0.weight");
    }

    /**
     * Sizes recovered from state-dict names and shapes, for checkpoints that carry no configuration.
     *
     * @throws IllegalArgumentException naming what is missing
     */
    public static PriorConfig infer(Map<String, long[]> shapes) {
        long[] e0 = require(shapes, "condition_encoder.E.0.weight", 4);
        long[] mlp = require(shapes, "condition_encoder.mlp.0.weight", 2);
        long[] bars = require(shapes, "betas_bar", 1);
        int resBlocks = maxIndex(shapes, LE_RES_BLOCK) - 1; // E.0 conv, E.1 LReLU, E.2.. blocks
        int denoiser = maxIndex(shapes, DENOISER_BLOCK) - 1; // resmlp.0 Linear, .1 LReLU, .2.. blocks
        return new PriorConfig((int) e0[0], Math.max(0, resBlocks), (int) mlp[0], Math.max(0, denoiser),
                (int) bars[0]);
    }

    private static long[] require(Map<String, long[]> shapes, String key, int rank) {
        long[] s = shapes.get(key);
        if (s == null || s.length != rank) {
            throw new IllegalArgumentException("cannot infer the configuration: '" + key + "' is "
                    + (s == null ? "missing" : "of shape " + Arrays.toString(s)));
        }
        return s;
    }

    private static int maxIndex(Map<String, long[]> shapes, Pattern p) {
        int max = -1;
        for (String k : shapes.keySet()) {
            Matcher m = p.matcher(k);
            if (m.find()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max;
    }
}

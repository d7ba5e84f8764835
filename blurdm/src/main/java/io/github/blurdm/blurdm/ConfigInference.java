package io.github.blurdm.blurdm;

import io.github.blurdm.blurdm.backbone.MimoConfig;
import io.github.blurdm.blurdm.prior.PriorConfig;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recovers network sizes from state-dict names and shapes, for checkpoints that carry no
 * configuration (those written by the official training code): base channels from the first conv,
 * the number of ResBlocks from the highest index, the latent width from the prior's Linear layers.
 */
public final class ConfigInference {
    private static final Pattern ENCODER_BLOCK = Pattern.compile("^Encoder\\.0\\.layers\\.(\\d+)\\.");
    private static final Pattern LE_RES_BLOCK = Pattern.compile("^condition_encoder\\.E\\.(\\d+)\\.body\\.0\\.weight$");
    private static final Pattern DENOISER_BLOCK = Pattern.compile("^noise_model\\.resmlp\\.(\\d+)\\.resmlp\\.0\\.weight$");

    private ConfigInference() {
    }

    /** Whether the names look like a MIMO-UNet backbone. */
    public static boolean isMimo(Map<String, long[]> shapes) {
        return shapes.containsKey("feat_extract.0.main.0.weight") && shapes.containsKey("Decoder.0.layers.0.main.0.main.0.weight");
    }

    /** Whether the names look like a BlurDM prior generator (LatentExposureDiffusion). */
    public static boolean isPrior(Map<String, long[]> shapes) {
        return shapes.containsKey("condition_encoder.E.0.weight") && shapes.containsKey("noise_model.resmlp.0.weight");
    }

    /** MIMO-UNet sizes; throws IllegalArgumentException naming what is missing. */
    public static MimoConfig mimo(Map<String, long[]> shapes) {
        long[] first = require(shapes, "feat_extract.0.main.0.weight", 4);
        int blocks = maxIndex(shapes, ENCODER_BLOCK) + 1;
        long[] kv = shapes.get("Decoder.0.kv.weight");
        int latent = 256;
        if (kv != null) {
            if (kv.length != 2 || kv[0] != 8 * first[0]) {
                throw new IllegalArgumentException("Decoder.0.kv.weight has shape " + java.util.Arrays.toString(kv)
                        + "; expected [" + 8 * first[0] + ", latent]");
            }
            latent = (int) kv[1];
        }
        return new MimoConfig((int) first[0], blocks, kv != null, latent);
    }

    /** Prior generator sizes; throws IllegalArgumentException naming what is missing. */
    public static PriorConfig prior(Map<String, long[]> shapes) {
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
                    + (s == null ? "missing" : "of shape " + java.util.Arrays.toString(s)));
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

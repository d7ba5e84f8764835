package io.github.blurdm.blurdm.backbone.mimo;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.blurdm.blurdm.backbone.BackboneConfig;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes of a MIMO-UNet-family backbone (spec section 5.1).
 *
 * @param baseChannels channels at full resolution (32 in the paper); 2x and 4x at 1/2 and 1/4
 * @param resBlocks    ResBlocks per encoder/decoder stage (20 for MIMO-UNet+, 8 for MIMO-UNet)
 * @param withPrior    whether the decoder blocks take the BlurDM prior (own a {@code kv} Linear)
 * @param latent       prior length (256)
 */
public record MimoConfig(int baseChannels, int resBlocks, boolean withPrior, int latent) implements BackboneConfig {
    /** MIMO-UNet+ with the BlurDM prior, as in the paper. */
    public static final MimoConfig PLUS_PRIOR = new MimoConfig(32, 20, true, 256);
    /** MIMO-UNet+ without prior. */
    public static final MimoConfig PLUS = new MimoConfig(32, 20, false, 256);
    /** MIMO-UNet without prior. */
    public static final MimoConfig BASE = new MimoConfig(32, 8, false, 256);

    private static final Pattern ENCODER_BLOCK = Pattern.compile("^Encoder\\.0\\.layers\\.(\\d+)\\.");

    public MimoConfig {
        if (baseChannels < 4 || resBlocks < 0 || latent < 1) {
            throw new IllegalArgumentException("invalid MIMO-UNet config: base " + baseChannels + ", "
                    + resBlocks + " ResBlocks, latent " + latent + " (base must be >= 4)");
        }
    }

    /**
     * Sizes recovered from state-dict names and shapes, for checkpoints that carry no configuration: base
     * channels from the first conv, the number of ResBlocks from the highest index, the latent from the
     * prior's Linear layers.
     *
     * @throws IllegalArgumentException naming what is missing or mis-shaped
     */
    public static MimoConfig infer(Map<String, long[]> shapes) {
        long[] first = shapes.get("feat_extract.0.main.0.weight");
        if (first == null || first.length != 4) {
            throw new IllegalArgumentException("cannot infer the configuration: 'feat_extract.0.main.0.weight' is "
                    + (first == null ? "missing" : "of shape " + Arrays.toString(first)));
        }
        int blocks = 0;
        for (String k : shapes.keySet()) {
            Matcher m = ENCODER_BLOCK.matcher(k);
            if (m.find()) {
                blocks = Math.max(blocks, Integer.parseInt(m.group(1)) + 1);
            }
        }
        long[] kv = shapes.get("Decoder.0.kv.weight");
        int latent = 256;
        if (kv != null) {
            if (kv.length != 2 || kv[0] != 8 * first[0]) {
                throw new IllegalArgumentException("Decoder.0.kv.weight has shape " + Arrays.toString(kv)
                        + "; expected [" + 8 * first[0] + ", latent]");
            }
            latent = (int) kv[1];
        }
        return new MimoConfig((int) first[0], blocks, kv != null, latent);
    }

    /**
     * Sizes from the engine's {@code config.backbone} object: {@code base_channels}, {@code res_blocks},
     * {@code with_prior}, {@code latent}.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static MimoConfig fromJson(JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("config.backbone is missing");
        }
        JsonNode wp = n.get("with_prior");
        if (wp == null || !wp.isBoolean()) {
            throw new IllegalArgumentException("config.backbone.with_prior must be true or false");
        }
        return new MimoConfig(intField(n, "base_channels"), intField(n, "res_blocks"), wp.asBoolean(),
                intField(n, "latent"));
    }

    private static int intField(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("config.backbone." + name + " must be an integer, found " + v);
        }
        return v.asInt();
    }

    /**
     * The name its papers use: "MIMO-UNet+" (32 channels, 20 ResBlocks per stage), "MIMO-UNet" (32, 8), else
     * "MIMO-UNet (base B, R ResBlocks)"; " with the BlurDM prior" when it takes one.
     */
    public String displayName() {
        String name = baseChannels == 32 && resBlocks == 20 ? "MIMO-UNet+"
                : baseChannels == 32 && resBlocks == 8 ? "MIMO-UNet"
                : "MIMO-UNet (base " + baseChannels + ", " + resBlocks + (resBlocks == 1 ? " ResBlock)" : " ResBlocks)");
        return withPrior ? name + " with the BlurDM prior" : name;
    }
}

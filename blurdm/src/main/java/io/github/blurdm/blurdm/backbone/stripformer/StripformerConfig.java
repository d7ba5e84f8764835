package io.github.blurdm.blurdm.backbone.stripformer;

import io.github.blurdm.blurdm.backbone.BackboneConfig;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes of a Stripformer (spec section 5.2); the paper's are {@link #PAPER_PRIOR} and {@link #PAPER}.
 *
 * @param c1         encoder channels at full resolution (64)
 * @param c2         encoder channels at 1/2 (128)
 * @param dim        bottleneck channels at 1/4 (320)
 * @param decDim     decoder transformer channels at 1/2 (192)
 * @param blocks     bottleneck blocks {@code Trans_block_1..} (12; odd ones intra-strip, even ones inter-strip)
 * @param decBlocks  decoder blocks {@code decoder.de_block_1..} (6)
 * @param hidden     token MLP width of the bottleneck blocks (4 x dim)
 * @param decHidden  token MLP width of the decoder blocks (4 x decDim)
 * @param withPrior  whether the blocks take the BlurDM prior (own a {@code kv} Linear)
 * @param latent     prior length (256)
 */
public record StripformerConfig(int c1, int c2, int dim, int decDim, int blocks, int decBlocks, int hidden,
                                int decHidden, boolean withPrior, int latent) implements BackboneConfig {
    /** Stripformer with the BlurDM prior, as in the paper: 22,264,515 parameters. */
    public static final StripformerConfig PAPER_PRIOR = new StripformerConfig(64, 128, 320, 192, 12, 6, 1280, 768,
            true, 256);
    /** The original Stripformer release: 19,708,611 parameters. */
    public static final StripformerConfig PAPER = new StripformerConfig(64, 128, 320, 192, 12, 6, 1280, 768, false,
            256);
    /** Head size where half the channels are a multiple of it: 5 heads at 320 channels, 3 at 192. */
    public static final int HEAD_SIZE = 32;

    private static final Pattern TRANS = Pattern.compile("^Trans_block_(\\d+)\\.");
    private static final Pattern DEC = Pattern.compile("^decoder\\.de_block_(\\d+)\\.");

    public StripformerConfig {
        if (c1 < 1 || c2 < 1 || dim < 2 || dim % 2 != 0 || decDim < 2 || decDim % 2 != 0 || blocks < 0
                || decBlocks < 0 || hidden < 1 || decHidden < 1 || latent < 1) {
            throw new IllegalArgumentException("invalid Stripformer config: channels " + c1 + "/" + c2 + "/" + dim + "/"
                    + decDim + " (the transformer widths even), blocks " + blocks + "+" + decBlocks + ", MLP " + hidden
                    + "/" + decHidden + ", latent " + latent);
        }
    }

    /**
     * Attention heads of a block of {@code channels}: half the channels (the features of one strip direction)
     * in heads of {@value #HEAD_SIZE} when they divide evenly, else one head. Not in the state dict; the
     * rule gives the official 5 and 3.
     */
    public static int heads(int channels) {
        int half = channels / 2;
        return half % HEAD_SIZE == 0 ? half / HEAD_SIZE : 1;
    }

    /**
     * Sizes recovered from state-dict names and shapes: channels from the encoder's and decoder's convs, block
     * counts from the highest indices, MLP widths from the first blocks' fc1, the prior from their kv.
     *
     * @throws IllegalArgumentException naming what is missing or mis-shaped
     */
    public static StripformerConfig infer(Map<String, long[]> shapes) {
        long[] e1 = require(shapes, "encoder.en_layer1_1.0.weight", 4);
        long[] e2 = require(shapes, "encoder.en_layer2_1.0.weight", 4);
        long[] e3 = require(shapes, "encoder.en_layer3_1.0.weight", 4);
        long[] d3 = require(shapes, "decoder.de_layer3_1.0.weight", 4);
        int blocks = maxIndex(shapes, TRANS);
        int decBlocks = maxIndex(shapes, DEC);
        int hidden = blocks == 0 ? 4 * (int) e3[0] : (int) require(shapes, "Trans_block_1.ffn.fc1.weight", 2)[0];
        int decHidden = decBlocks == 0 ? 4 * (int) d3[1]
                : (int) require(shapes, "decoder.de_block_1.ffn.fc1.weight", 2)[0];
        String kvName = blocks > 0 ? "Trans_block_1.kv.weight" : "decoder.de_block_1.kv.weight";
        long[] kv = shapes.get(kvName);
        if (kv != null && kv.length != 2) {
            throw new IllegalArgumentException(kvName + " has shape " + Arrays.toString(kv) + "; expected [2C, latent]");
        }
        return new StripformerConfig((int) e1[0], (int) e2[0], (int) e3[0], (int) d3[1], blocks, decBlocks, hidden,
                decHidden, kv != null, kv == null ? 256 : (int) kv[1]);
    }

    private static long[] require(Map<String, long[]> shapes, String key, int rank) {
        long[] s = shapes.get(key);
        if (s == null || s.length != rank) {
            throw new IllegalArgumentException("cannot infer the Stripformer configuration: '" + key + "' is "
                    + (s == null ? "missing" : "of shape " + Arrays.toString(s)));
        }
        return s;
    }

    private static int maxIndex(Map<String, long[]> shapes, Pattern p) {
        int max = 0;
        for (String k : shapes.keySet()) {
            Matcher m = p.matcher(k);
            if (m.find()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max;
    }

    /** "Stripformer" for the paper's sizes, else the sizes in words; " with the BlurDM prior" when it takes one. */
    public String displayName() {
        StripformerConfig paper = new StripformerConfig(64, 128, 320, 192, 12, 6, 1280, 768, withPrior, latent);
        String name = equals(paper) ? "Stripformer" : "Stripformer (channels " + c1 + "/" + c2 + "/" + dim + "/" + decDim
                + ", " + blocks + "+" + decBlocks + " blocks)";
        return withPrior ? name + " with the BlurDM prior" : name;
    }
}

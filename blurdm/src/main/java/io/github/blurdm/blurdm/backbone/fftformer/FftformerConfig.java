package io.github.blurdm.blurdm.backbone.fftformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.blurdm.blurdm.backbone.BackboneConfig;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * FFTformer's sizes, every one read from the weights (never assumed): the base width {@code dim} (levels run
 * at dim, 2 dim, 4 dim), the TransformerBlocks of each encoder level, of each decoder level and of the
 * refinement, the DFFN hidden width per level ({@code int(d * ffn_factor)} in PyTorch) and of the two Fuse
 * blocks ({@code int(2n * 2.66)}), whether convs have biases ({@code bias}), the LayerNorm form (WithBias or
 * BiasFree), the prior's length for the FSAS {@code kv} layers (0: the original network, no prior) and
 * whether the unused {@code reduce_chan_level2} is present. The defaults of the paper: dim 48, blocks
 * [6, 6, 12] on both sides, 4 refinement blocks, hidden [144, 288, 576], Fuse hidden [255, 510], no bias,
 * WithBias, latent 256. Immutable.
 */
public final class FftformerConfig implements BackboneConfig {
    private static final Set<String> MODULES = Set.of("patch_embed", "encoder_level1", "encoder_level2",
            "encoder_level3", "decoder_level1", "decoder_level2", "decoder_level3", "down1_2", "down2_3", "up3_2",
            "up2_1", "reduce_chan_level2", "refinement", "fuse1", "fuse2", "output");

    private final int dim;
    private final int[] encoderBlocks;
    private final int[] decoderBlocks;
    private final int refinementBlocks;
    private final int[] hidden;
    private final int[] fuseHidden;
    private final boolean bias;
    private final boolean layerNormBias;
    private final int latent;
    private final boolean reduceChan;

    /**
     * @param encoderBlocks blocks of encoder levels 1, 2, 3
     * @param decoderBlocks blocks of decoder levels 1, 2, 3
     * @param hidden        DFFN hidden width at levels 1, 2, 3 (refinement: level 1's)
     * @param fuseHidden    DFFN hidden width of fuse1 (at 2 dim) and fuse2 (at 4 dim)
     * @param latent        the prior's length, 0 for none
     */
    public FftformerConfig(int dim, int[] encoderBlocks, int[] decoderBlocks, int refinementBlocks, int[] hidden,
                           int[] fuseHidden, boolean bias, boolean layerNormBias, int latent, boolean reduceChan) {
        if (dim < 1 || encoderBlocks.length != 3 || decoderBlocks.length != 3 || hidden.length != 3
                || fuseHidden.length != 2 || refinementBlocks < 0 || latent < 0) {
            throw new IllegalArgumentException("FFTformer config: dim >= 1, 3 encoder and decoder block counts, "
                    + "3 hidden widths, 2 Fuse widths, latent >= 0 expected; found " + describe(dim, encoderBlocks,
                    decoderBlocks, refinementBlocks, hidden, fuseHidden, latent));
        }
        for (int i = 0; i < 3; i++) {
            if (encoderBlocks[i] < 0 || decoderBlocks[i] < 0 || hidden[i] < 1) {
                throw new IllegalArgumentException("FFTformer config: block counts >= 0 and hidden widths >= 1 expected; "
                        + "found " + describe(dim, encoderBlocks, decoderBlocks, refinementBlocks, hidden, fuseHidden,
                        latent));
            }
        }
        if (fuseHidden[0] < 1 || fuseHidden[1] < 1) {
            throw new IllegalArgumentException("FFTformer config: Fuse hidden widths must be >= 1, found "
                    + Arrays.toString(fuseHidden));
        }
        this.dim = dim;
        this.encoderBlocks = encoderBlocks.clone();
        this.decoderBlocks = decoderBlocks.clone();
        this.refinementBlocks = refinementBlocks;
        this.hidden = hidden.clone();
        this.fuseHidden = fuseHidden.clone();
        this.bias = bias;
        this.layerNormBias = layerNormBias;
        this.latent = latent;
        this.reduceChan = reduceChan;
    }

    /** The paper's network (dim 48, blocks [6, 6, 12], 4 refinement blocks, factor 3, no bias) with or without the prior. */
    public static FftformerConfig paper(boolean withPrior) {
        return new FftformerConfig(48, new int[] {6, 6, 12}, new int[] {6, 6, 12}, 4, new int[] {144, 288, 576},
                new int[] {255, 510}, false, true, withPrior ? 256 : 0, true);
    }

    public int dim() {
        return dim;
    }

    /** Width of level {@code level} (1, 2, 3): dim, 2 dim, 4 dim. */
    public int width(int level) {
        return dim << (level - 1);
    }

    public int encoderBlocks(int level) {
        return encoderBlocks[level - 1];
    }

    public int decoderBlocks(int level) {
        return decoderBlocks[level - 1];
    }

    public int refinementBlocks() {
        return refinementBlocks;
    }

    public int hidden(int level) {
        return hidden[level - 1];
    }

    /** Hidden width of fuse1 (level 1) or fuse2 (level 2). */
    public int fuseHidden(int level) {
        return fuseHidden[level - 1];
    }

    public boolean bias() {
        return bias;
    }

    public boolean layerNormBias() {
        return layerNormBias;
    }

    public boolean withPrior() {
        return latent > 0;
    }

    public int latent() {
        return latent;
    }

    public boolean reduceChan() {
        return reduceChan;
    }

    /** "FFTformer dim 48 [6,6,12] + 4 refinement with the BlurDM prior". */
    public String displayName() {
        return "FFTformer dim " + dim + " " + Arrays.toString(encoderBlocks).replace(" ", "")
                + (Arrays.equals(encoderBlocks, decoderBlocks) ? "" : "/" + Arrays.toString(decoderBlocks).replace(" ", ""))
                + " + " + refinementBlocks + " refinement" + (withPrior() ? " with the BlurDM prior" : "");
    }

    /** Whether a state-dict name belongs to FFTformer (one of its top-level modules). */
    public static boolean owns(String name) {
        int dot = name.indexOf('.');
        return dot > 0 && MODULES.contains(name.substring(0, dot));
    }

    /**
     * The sizes of the FFTformer whose state dict has these names and shapes ({@code module.} already stripped).
     *
     * @throws IllegalArgumentException naming the tensor that is missing or has an unexpected shape
     */
    public static FftformerConfig infer(Map<String, long[]> shapes) {
        long[] embed = require(shapes, "patch_embed.proj.weight", 4);
        int dim = (int) embed[0];
        int[] enc = new int[3];
        int[] dec = new int[3];
        for (int l = 1; l <= 3; l++) {
            enc[l - 1] = count(shapes, "encoder_level" + l + ".");
            dec[l - 1] = count(shapes, "decoder_level" + l + ".");
        }
        int refinement = count(shapes, "refinement.");
        int[] hidden = new int[3];
        for (int l = 1; l <= 3; l++) {
            hidden[l - 1] = hidden(shapes, l == 1 ? new String[] {"encoder_level1.", "decoder_level1.", "refinement."}
                    : new String[] {"encoder_level" + l + ".", "decoder_level" + l + "."}, dim << (l - 1));
        }
        int[] fuse = {(int) require(shapes, "fuse1.att_channel.ffn.project_in.weight", 4)[0] / 2,
            (int) require(shapes, "fuse2.att_channel.ffn.project_in.weight", 4)[0] / 2};
        int latent = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            if (e.getKey().endsWith(".attn.kv.weight") && e.getValue().length == 2) {
                latent = (int) e.getValue()[1];
                break;
            }
        }
        return new FftformerConfig(dim, enc, dec, refinement, hidden, fuse, shapes.containsKey("output.bias"),
                shapes.containsKey("fuse1.att_channel.norm2.body.bias"), latent,
                shapes.containsKey("reduce_chan_level2.weight"));
    }

    private static long[] require(Map<String, long[]> shapes, String name, int rank) {
        long[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("not an FFTformer state dict: no '" + name + "'");
        }
        if (s.length != rank) {
            throw new IllegalArgumentException(name + ": expected rank " + rank + ", found " + Arrays.toString(s));
        }
        return s;
    }

    /** Blocks under {@code prefix}: one more than the largest index i of a name prefix + i + ".". */
    private static int count(Map<String, long[]> shapes, String prefix) {
        TreeSet<Integer> seen = new TreeSet<>();
        for (String k : shapes.keySet()) {
            if (k.startsWith(prefix)) {
                String rest = k.substring(prefix.length());
                int dot = rest.indexOf('.');
                try {
                    seen.add(Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("FFTformer: '" + k + "' is not " + prefix + "<block index>.*");
                }
            }
        }
        return seen.isEmpty() ? 0 : seen.last() + 1;
    }

    /** The DFFN hidden width of the first block found under the prefixes (project_in: [2 hidden, d, 1, 1]). */
    private static int hidden(Map<String, long[]> shapes, String[] prefixes, int d) {
        for (String p : prefixes) {
            long[] s = shapes.get(p + "0.ffn.project_in.weight");
            if (s != null) {
                return (int) Math.max(1, s[0] / 2);
            }
        }
        return Math.max(1, 3 * d);   // a level without blocks: the width is never used
    }

    /** The configuration as the engine's weights files record it ({@code config.backbone}). */
    public JsonNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("name", "fftformer");
        n.put("dim", dim);
        n.set("encoder_blocks", ints(encoderBlocks));
        n.set("decoder_blocks", ints(decoderBlocks));
        n.put("refinement_blocks", refinementBlocks);
        n.set("hidden", ints(hidden));
        n.set("fuse_hidden", ints(fuseHidden));
        n.put("bias", bias);
        n.put("layer_norm_bias", layerNormBias);
        n.put("latent", latent);
        n.put("reduce_chan_level2", reduceChan);
        return n;
    }

    private static JsonNode ints(int[] v) {
        var a = JsonNodeFactory.instance.arrayNode();
        for (int x : v) {
            a.add(x);
        }
        return a;
    }

    /** The configuration {@link #toJson()} wrote; IllegalArgumentException naming the field that is missing or wrong. */
    public static FftformerConfig fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("config.backbone must be a JSON object, found " + n);
        }
        return new FftformerConfig(intField(n, "dim"), intArray(n, "encoder_blocks", 3), intArray(n, "decoder_blocks", 3),
                intField(n, "refinement_blocks"), intArray(n, "hidden", 3), intArray(n, "fuse_hidden", 2),
                boolField(n, "bias"), boolField(n, "layer_norm_bias"), intField(n, "latent"),
                boolField(n, "reduce_chan_level2"));
    }

    private static int intField(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("config.backbone." + name + " must be an integer, found " + v);
        }
        return v.asInt();
    }

    private static boolean boolField(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException("config.backbone." + name + " must be true or false, found " + v);
        }
        return v.asBoolean();
    }

    private static int[] intArray(JsonNode n, String name, int length) {
        JsonNode v = n.get(name);
        if (v == null || !v.isArray() || v.size() != length) {
            throw new IllegalArgumentException("config.backbone." + name + " must be an array of " + length
                    + " integers, found " + v);
        }
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            if (!v.get(i).isIntegralNumber()) {
                throw new IllegalArgumentException("config.backbone." + name + "[" + i + "] must be an integer, found "
                        + v.get(i));
            }
            out[i] = v.get(i).asInt();
        }
        return out;
    }

    private static String describe(int dim, int[] enc, int[] dec, int ref, int[] hidden, int[] fuse, int latent) {
        return "dim " + dim + ", encoder " + Arrays.toString(enc) + ", decoder " + Arrays.toString(dec) + ", refinement "
                + ref + ", hidden " + Arrays.toString(hidden) + ", fuse " + Arrays.toString(fuse) + ", latent " + latent;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FftformerConfig c && c.dim == dim && Arrays.equals(c.encoderBlocks, encoderBlocks)
                && Arrays.equals(c.decoderBlocks, decoderBlocks) && c.refinementBlocks == refinementBlocks
                && Arrays.equals(c.hidden, hidden) && Arrays.equals(c.fuseHidden, fuseHidden) && c.bias == bias
                && c.layerNormBias == layerNormBias && c.latent == latent && c.reduceChan == reduceChan;
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return displayName() + " (" + describe(dim, encoderBlocks, decoderBlocks, refinementBlocks, hidden, fuseHidden,
                latent) + ", bias " + bias + ", LayerNorm " + (layerNormBias ? "WithBias" : "BiasFree") + ")";
    }
}

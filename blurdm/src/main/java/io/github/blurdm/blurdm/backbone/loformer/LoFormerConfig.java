package io.github.blurdm.blurdm.backbone.loformer;

import io.github.blurdm.blurdm.backbone.BackboneConfig;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

/**
 * LoFormer's sizes: {@code dim} channels at full resolution, doubled per encoder level; block pairs
 * ({@code TransformerBlock_2b}: trans1 + trans2) per encoder level, in the middle and per decoder level; heads
 * per level (encoder, middle, decoder); the FFN's hidden width per level; and the prior length of the
 * decoders' {@code kv} layers, 0 for a network without prior. LoFormer-S (BlurDM's backbone) is dim 32,
 * [1,2,3] / 7 / [3,2,2], heads [1,2,4] / 8 / [4,2,1]; the published LoFormer-Large dim 48, [1,2,6] / 9 /
 * [6,2,2]. Immutable.
 */
public record LoFormerConfig(int dim, int[] encBlocks, int midBlocks, int[] decBlocks, int[] encHeads, int midHeads,
                             int[] decHeads, int[] encHidden, int midHidden, int[] decHidden, int latent)
        implements BackboneConfig {

    /** LoFormer-S with the BlurDM prior (spec 5.4, keys/loformer_s_prior.tsv): FFN factor 2.66, latent 256. */
    public static final LoFormerConfig S_PRIOR = new LoFormerConfig(32, new int[] {1, 2, 3}, 7, new int[] {3, 2, 2},
            new int[] {1, 2, 4}, 8, new int[] {4, 2, 1}, new int[] {85, 170, 340}, 680, new int[] {340, 170, 170}, 256);

    public LoFormerConfig {
        int levels = encBlocks.length;
        if (dim < 1 || levels < 1 || decBlocks.length != levels || encHeads.length != levels
                || decHeads.length != levels || encHidden.length != levels || decHidden.length != levels) {
            throw new IllegalArgumentException("LoFormer config: " + describe(dim, encBlocks, midBlocks, decBlocks,
                    encHeads, midHeads, decHeads) + " is inconsistent (one entry per level everywhere)");
        }
        encBlocks = encBlocks.clone();
        decBlocks = decBlocks.clone();
        encHeads = encHeads.clone();
        decHeads = decHeads.clone();
        encHidden = encHidden.clone();
        decHidden = decHidden.clone();
    }

    /** The number of encoder (and decoder) levels. */
    public int levels() {
        return encBlocks.length;
    }

    /** Channels of encoder level l (0 = full resolution). */
    public int encChannels(int l) {
        return dim << l;
    }

    /** Channels in the middle. */
    public int midChannels() {
        return dim << levels();
    }

    /** Channels of decoder j (0 = the deepest): halved per level, except the last, which keeps 2 dim. */
    public int decChannels(int j) {
        return j == levels() - 1 ? 2 * dim : dim << (levels() - 1 - j);
    }

    /** Whether the decoders take the BlurDM prior. */
    public boolean withPrior() {
        return latent > 0;
    }

    /** The network in words, e.g. "LoFormer (dim 32, blocks [1,2,3]/7/[3,2,2], heads [1,2,4]/8/[4,2,1])". */
    public String displayName() {
        String size = dim == 32 && Arrays.equals(encBlocks, new int[] {1, 2, 3}) && midBlocks == 7
                ? "LoFormer-S" : dim == 48 && Arrays.equals(encBlocks, new int[] {1, 2, 6}) && midBlocks == 9
                ? "LoFormer-Large" : "LoFormer";
        return size + " (" + describe(dim, encBlocks, midBlocks, decBlocks, encHeads, midHeads, decHeads) + ")";
    }

    private static String describe(int dim, int[] enc, int mid, int[] dec, int[] he, int hm, int[] hd) {
        return "dim " + dim + ", blocks " + list(enc) + "/" + mid + "/" + list(dec) + ", heads " + list(he) + "/" + hm
                + "/" + list(hd);
    }

    private static String list(int[] a) {
        return Arrays.toString(a).replace(" ", "");
    }

    /**
     * Sizes read from state-dict names and shapes: dim from {@code patch_embed.proj.weight}, the block pairs
     * from the indices under {@code encoders.L}, {@code middle_blks} and {@code decoders.L}, each level's heads
     * from its first block's {@code attn.0.temperature} [h,1,1], its FFN width from {@code ffn.0.project_out}'s
     * input channels, the prior length from the decoders' {@code attn.0.kv.weight} [2C, latent] (0 when absent).
     *
     * @throws IllegalArgumentException naming the missing or mis-shaped name
     */
    public static LoFormerConfig infer(Map<String, long[]> shapes) {
        int dim = (int) need(shapes, "patch_embed.proj.weight", 4)[0];
        int levels = count(shapes, "encoders.");
        if (levels == 0) {
            throw new IllegalArgumentException("LoFormer: no 'encoders.0.*' names");
        }
        int[] enc = new int[levels];
        int[] dec = new int[levels];
        int[] he = new int[levels];
        int[] hd = new int[levels];
        int[] fe = new int[levels];
        int[] fd = new int[levels];
        int latent = 0;
        for (int l = 0; l < levels; l++) {
            enc[l] = count(shapes, "encoders." + l + ".");
            dec[l] = count(shapes, "decoders." + l + ".");
            he[l] = heads(shapes, "encoders." + l + ".0.trans1");
            hd[l] = heads(shapes, "decoders." + l + ".0.trans1");
            fe[l] = hidden(shapes, "encoders." + l + ".0.trans1");
            fd[l] = hidden(shapes, "decoders." + l + ".0.trans1");
            long[] kv = shapes.get("decoders." + l + ".0.trans1.attn.0.kv.weight");
            if (kv != null) {
                latent = (int) kv[1];
            }
        }
        int mid = count(shapes, "middle_blks.");
        return new LoFormerConfig(dim, enc, mid, dec, he, heads(shapes, "middle_blks.0.trans1"), hd, fe,
                hidden(shapes, "middle_blks.0.trans1"), fd, latent);
    }

    private static long[] need(Map<String, long[]> shapes, String name, int rank) {
        long[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("LoFormer: missing '" + name + "'");
        }
        if (s.length != rank) {
            throw new IllegalArgumentException("LoFormer: '" + name + "' must have rank " + rank + ", found "
                    + Arrays.toString(s));
        }
        return s;
    }

    private static int heads(Map<String, long[]> shapes, String block) {
        return (int) need(shapes, block + ".attn.0.temperature", 3)[0];
    }

    private static int hidden(Map<String, long[]> shapes, String block) {
        return (int) need(shapes, block + ".ffn.0.project_out.weight", 4)[1];
    }

    /** The number of consecutive integer children 0, 1, ... under {@code prefix}. */
    private static int count(Map<String, long[]> shapes, String prefix) {
        TreeSet<Integer> idx = new TreeSet<>();
        for (String k : shapes.keySet()) {
            if (k.startsWith(prefix)) {
                String rest = k.substring(prefix.length());
                int dot = rest.indexOf('.');
                try {
                    idx.add(Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot)));
                } catch (NumberFormatException e) {
                    // not an indexed child
                }
            }
        }
        int n = 0;
        while (idx.contains(n)) {
            n++;
        }
        return n;
    }
}

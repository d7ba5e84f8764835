package io.github.blurdm.blurdm.backbone.loformer;

import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.backbone.BackboneModule;
import io.github.blurdm.blurdm.backbone.loformer.LoFormerBlocks.Down;
import io.github.blurdm.blurdm.backbone.loformer.LoFormerBlocks.Stage;
import io.github.blurdm.blurdm.backbone.loformer.LoFormerBlocks.Up;
import io.github.blurdm.layers.Conv2d;
import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Sequential;
import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * LoFormer on a batch of tiles (spec 5.4): patch_embed 3x3, encoder levels of block pairs each followed by a
 * Down, the middle pairs, then per decoder level an Up, the skip concatenated, a 1x1 reduce_chan (all but the
 * last level) and block pairs that take the BlurDM prior when the config has one; the 3x3 {@code output} conv.
 * {@link #forward} returns that conv's map (the residual): the pipeline's tiled inference
 * ({@code TileRule.FIXED_TILES_PRIOR_PER_TILE}) merges the tiles' maps and adds the image. Tile sides must be
 * multiples of 8. Immutable once loaded.
 */
public final class LoFormer extends BackboneModule<LoFormerConfig> {
    /** Tile sides must be multiples of this (three halvings) for LoFormer's three levels. */
    public static final int SIDE_MULTIPLE = 8;

    private final Conv2d patchEmbed;
    private final Stage[] encoders;
    private final Down[] downs;
    private final Stage middle;
    private final Up[] ups;
    private final Conv2d[] reduce;
    private final Stage[] decoders;
    private final Conv2d output;

    public LoFormer(LoFormerConfig c) {
        super(Backbone.LOFORMER, c);
        int levels = c.levels();
        patchEmbed = child("patch_embed", new Proj(c.dim())).proj;
        Sequential enc = child("encoders", new Sequential());
        Sequential dn = child("downs", new Sequential());
        encoders = new Stage[levels];
        downs = new Down[levels];
        for (int l = 0; l < levels; l++) {
            int ch = c.encChannels(l);
            encoders[l] = enc.add(new Stage(c.encBlocks()[l], ch, c.encHeads()[l], c.encHidden()[l], 0));
            downs[l] = dn.add(new Down(ch));
        }
        middle = child("middle_blks", new Stage(c.midBlocks(), c.midChannels(), c.midHeads(), c.midHidden(), 0));
        Sequential up = child("ups", new Sequential());
        Sequential red = child("reduce_chan", new Sequential());
        Sequential dec = child("decoders", new Sequential());
        ups = new Up[levels];
        reduce = new Conv2d[levels];
        decoders = new Stage[levels];
        int ch = c.midChannels();
        for (int j = 0; j < levels; j++) {
            ups[j] = up.add(new Up(ch));
            if (j < levels - 1) {
                reduce[j] = red.add(new Conv2d(ch, ch / 2, 1, 1, 0, true));
            } else {
                red.add(new Sequential());   // nn.Identity: no parameters, keeps the indices
            }
            ch = c.decChannels(j);
            decoders[j] = dec.add(new Stage(c.decBlocks()[j], ch, c.decHeads()[j], c.decHidden()[j], c.latent()));
        }
        output = child("output", new Conv2d(ch, 3, 3, 1, 1, true));
    }

    @Override
    public String displayName() {
        return config().displayName() + (config().withPrior() ? " with the BlurDM prior" : "");
    }

    /**
     * One tile's peak: the widest full-resolution tensors live at once (the decoders' FFN input, its depthwise
     * output and halves, and the block's input and DCT), about 4 widths of 2 hidden channels plus a few of 2 dim.
     */
    @Override
    public long workingBytes(int h, int w) {
        long hidden = config().decHidden()[config().levels() - 1];
        return (8L * hidden + 8L * config().dim()) * h * w * Float.BYTES;
    }

    /**
     * The residual map of each tile.
     *
     * @param x     [N,3,h,w] tiles in [0,1], h and w multiples of {@link #SIDE_MULTIPLE}
     * @param prior [N,latent], one prior per tile; null when the config has none
     * @return [N,3,h,w]
     */
    @Override
    public Tensor forward(Ops ops, Tensor x, Tensor prior) {
        checkInputs(x, prior, SIDE_MULTIPLE);
        int levels = config().levels();
        Tensor cur = patchEmbed.forward(ops, x, Activation.NONE);
        Tensor[] skips = new Tensor[levels];
        for (int l = 0; l < levels; l++) {
            skips[l] = encoders[l].forward(ops, cur, null);
            ops.release(cur);
            cur = downs[l].forward(ops, skips[l]);
        }
        Tensor m = middle.forward(ops, cur, null);
        ops.release(cur);
        cur = m;
        for (int j = 0; j < levels; j++) {
            Tensor u = ups[j].forward(ops, cur);
            ops.release(cur);
            Tensor skip = skips[levels - 1 - j];
            Tensor cat = ops.concat(u, skip);
            ops.release(u, skip);
            if (reduce[j] != null) {
                Tensor r = reduce[j].forward(ops, cat, Activation.NONE);
                ops.release(cat);
                cat = r;
            }
            cur = decoders[j].forward(ops, cat, prior);
            ops.release(cat);
        }
        Tensor out = output.forward(ops, cur, Activation.NONE);
        ops.release(cur);
        return out;
    }

    /** OverlapPatchEmbed: its conv is {@code proj} (3x3, no bias). */
    private static final class Proj extends Module {
        final Conv2d proj;

        Proj(int dim) {
            proj = child("proj", new Conv2d(3, dim, 3, 1, 1, false));
        }
    }
}

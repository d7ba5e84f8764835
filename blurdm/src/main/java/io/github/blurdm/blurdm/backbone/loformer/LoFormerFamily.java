package io.github.blurdm.blurdm.backbone.loformer;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.blurdm.blurdm.ConventionRow;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.BackboneFamily;
import io.github.blurdm.blurdm.backbone.BackboneNetwork;
import io.github.blurdm.blurdm.pipeline.Conventions;
import io.github.blurdm.blurdm.pipeline.Quantisation;
import io.github.blurdm.blurdm.pipeline.TileRule;
import java.util.Map;
import java.util.Set;

/**
 * LoFormer's declaration (spec 5.4, 8.2): its names, sizes inferred from shapes, and its inference: always the
 * official 384x384 tiles overlapping by 32 with a prior per tile ({@link TileRule#FIXED_TILES_PRIOR_PER_TILE}),
 * v/255 with no padding, clamp [0, 1]; save_image's rounding for BlurDM's files, skimage's img_as_ubyte (round
 * half to even) for the original release.
 */
public final class LoFormerFamily implements BackboneFamily {
    private static final Set<String> MODULES = Set.of("patch_embed", "encoders", "downs", "middle_blks", "ups",
            "reduce_chan", "decoders", "output");

    // src/LoFormer/deblur_predict_ddp.py: ZeroToOne inputs, the model's own tiling, clamp(0, 1), save_image
    private static final ConventionRow BLURDM = new ConventionRow(
            new Conventions(0f, 1, 0f, 1f, Quantisation.SAVE_IMAGE), "BlurDM's LoFormer deblur_predict_ddp.py");
    // Motion_Deblurring/val.py: v/255, the model's own tiling, clamp(0, 1), img_as_ubyte
    private static final ConventionRow ORIGINAL = new ConventionRow(
            new Conventions(0f, 1, 0f, 1f, Quantisation.ROUND_HALF_EVEN), "INVOKERer/LoFormer val.py (img_as_ubyte)");

    @Override
    public String architecture() {
        return "loformer";
    }

    @Override
    public String displayName() {
        return "LoFormer";
    }

    @Override
    public boolean owns(String name) {
        int dot = name.indexOf('.');
        return dot > 0 && MODULES.contains(name.substring(0, dot));
    }

    @Override
    public BackboneNetwork build(Map<String, long[]> shapes, JsonNode config) {
        return new LoFormer(LoFormerConfig.infer(shapes));
    }

    @Override
    public int sideMultiple() {
        return LoFormer.SIDE_MULTIPLE;
    }

    /** Smaller sides are padded to {@link #minTileSide()} by mirroring; 8 pixels are the least taken. */
    @Override
    public int minSide() {
        return 8;
    }

    /**
     * 40: at 1/8 scale a 5-pixel side is the smallest whose reflect padding to the window (8) is smaller than it;
     * the official code fails below (and on sides up to 384 that are not multiples of 8).
     */
    @Override
    public int minTileSide() {
        return 40;
    }

    @Override
    public String output() {
        return "the output conv's residual, tiles merged, plus the image";
    }

    @Override
    public TileRule tiling() {
        return TileRule.FIXED_TILES_PRIOR_PER_TILE;
    }

    @Override
    public int tileSide() {
        return 384;
    }

    @Override
    public int tileOverlap() {
        return 32;
    }

    @Override
    public ConventionRow conventions(Origin origin) {
        return origin == Origin.BLURDM ? BLURDM : ORIGINAL;
    }
}

package io.github.blurdm.blurdm.backbone.stripformer;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.blurdm.blurdm.ConventionRow;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.BackboneFamily;
import io.github.blurdm.blurdm.backbone.BackboneNetwork;
import io.github.blurdm.blurdm.pipeline.Conventions;
import io.github.blurdm.blurdm.pipeline.Quantisation;
import io.github.blurdm.blurdm.pipeline.TileRule;
import java.util.Map;

/**
 * Stripformer's declaration: its names, its sizes (always inferred from the shapes: the engine's own files
 * carry them in their tensors too), and its inference rules (spec section 8.2).
 */
public final class StripformerFamily implements BackboneFamily {
    // src/Stripformer/deblur_predict_ddp.py: v/255 - 0.5, reflect pad right/bottom to 32, crop, clamp
    // [-0.5, 0.5], save_image(out + 0.5)
    private static final ConventionRow BLURDM = new ConventionRow(
            new Conventions(-0.5f, 32, -0.5f, 0.5f, Quantisation.SAVE_IMAGE), "BlurDM's Stripformer deblur_predict_ddp.py");
    // predict_RealBlur_{J,R}_test_results.py: v/255 - 0.5, reflect pad right/bottom to 8, + 0.5, save_image (its
    // clamp to [0, 255] is the clamp to [-0.5, 0.5]); the GoPro script pads nothing and needs multiples of 8,
    // where both agree
    private static final ConventionRow ORIGINAL = new ConventionRow(
            new Conventions(-0.5f, 8, -0.5f, 0.5f, Quantisation.SAVE_IMAGE),
            "pp00704831/Stripformer-ECCV-2022- predict_RealBlur_*_test_results.py");

    @Override
    public String architecture() {
        return "stripformer";
    }

    @Override
    public String displayName() {
        return "Stripformer";
    }

    @Override
    public boolean owns(String name) {
        return name.startsWith("encoder.en_layer") || name.startsWith("decoder.de_") || name.startsWith("Trans_block_");
    }

    /** Sizes always come from the shapes; an engine file's config, if any, is not needed. */
    @Override
    public BackboneNetwork build(Map<String, long[]> shapes, JsonNode config) {
        return new Stripformer(StripformerConfig.infer(shapes));
    }

    @Override
    public int sideMultiple() {
        return Stripformer.SIDE_MULTIPLE;
    }

    @Override
    public int minSide() {
        return 8;
    }

    @Override
    public String output() {
        return "the network's output (decoder + input image)";
    }

    @Override
    public TileRule tiling() {
        return TileRule.BLENDED_WHOLE_IMAGE_PRIOR;
    }

    @Override
    public ConventionRow conventions(Origin origin) {
        return origin == Origin.BLURDM ? BLURDM : ORIGINAL;
    }
}

package io.github.blurdm.blurdm.backbone.fftformer;

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
 * FFTformer's declaration: its names, sizes from shapes or the engine's config, and its inference rules.
 * Both kinds of files run the same way, because both scripts do it the same way (spec 8.2): BlurDM's
 * src/FFTformer/deblur_predict_ddp.py and kkkls/FFTformer's test.py take v/255 (to_tensor), pad right and
 * bottom by reflection to a multiple of 32, crop, clamp to [0, 1], add 0.5/255 and save through
 * to_pil_image (x255, truncated); only the prior differs, which the weights decide.
 */
public final class FftformerFamily implements BackboneFamily {
    private static final Conventions CONVENTIONS = new Conventions(0f, Fftformer.SIDE_MULTIPLE, 0f, 1f,
            Quantisation.TRUNCATE_AFTER_HALF_LEVEL);
    private static final ConventionRow BLURDM = new ConventionRow(CONVENTIONS,
            "BlurDM's FFTformer deblur_predict_ddp.py");
    private static final ConventionRow ORIGINAL = new ConventionRow(CONVENTIONS, "kkkls/FFTformer test.py");

    @Override
    public String architecture() {
        return "fftformer";
    }

    @Override
    public String displayName() {
        return "FFTformer";
    }

    @Override
    public boolean owns(String name) {
        return FftformerConfig.owns(name);
    }

    @Override
    public BackboneNetwork build(Map<String, long[]> shapes, JsonNode config) {
        return new Fftformer(config != null && !config.isMissingNode() ? FftformerConfig.fromJson(config)
                : FftformerConfig.infer(shapes));
    }

    @Override
    public int sideMultiple() {
        return Fftformer.SIDE_MULTIPLE;
    }

    /** Reflect padding to 32 needs each pad smaller than the side: 17 pixels at least (as PyTorch's F.pad). */
    @Override
    public int minSide() {
        return Fftformer.SIDE_MULTIPLE / 2 + 1;
    }

    @Override
    public String output() {
        return "the network's output (its output conv plus the input image)";
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

package io.github.blurdm.blurdm.backbone.mimo;

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

/** MIMO-UNet's declaration: its names, sizes from shapes or the engine's config, and its inference rules. */
public final class MimoFamily implements BackboneFamily {
    private static final Set<String> MODULES = Set.of("Encoder", "Decoder", "feat_extract", "Convs", "ConvsOut",
            "AFFs", "FAM1", "FAM2", "SCM1", "SCM2");

    // src/MIMO_UNet/deblur_predict.py: trained on v/255 - 0.5; save_image's rounding
    private static final ConventionRow BLURDM = new ConventionRow(
            new Conventions(-0.5f, 8, -0.5f, 0.5f, Quantisation.SAVE_IMAGE), "BlurDM's MIMO-UNet deblur_predict.py");
    // eval.py: to_tensor (v/255), model(x)[2], clamp(0, 1), += 0.5/255, to_pil_image. It pads nothing and fails on
    // sides that are not multiples of 4; those we pad (reflect) and crop back
    private static final ConventionRow ORIGINAL = new ConventionRow(
            new Conventions(0f, 4, 0f, 1f, Quantisation.TRUNCATE_AFTER_HALF_LEVEL), "chosj95/MIMO-UNet eval.py");

    @Override
    public String architecture() {
        return "mimo_unet";
    }

    @Override
    public String displayName() {
        return "MIMO-UNet";
    }

    @Override
    public boolean owns(String name) {
        int dot = name.indexOf('.');
        return dot > 0 && MODULES.contains(name.substring(0, dot));
    }

    @Override
    public BackboneNetwork build(Map<String, long[]> shapes, JsonNode config) {
        return new MimoUNet(config != null ? MimoConfig.fromJson(config) : MimoConfig.infer(shapes));
    }

    @Override
    public int sideMultiple() {
        return MimoUNet.SIDE_MULTIPLE;
    }

    /** Below 8 pixels reflect padding to 8 is not possible (a pad must be smaller than the side). */
    @Override
    public int minSide() {
        return 8;
    }

    @Override
    public String output() {
        return "out[2], the full-resolution head";
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

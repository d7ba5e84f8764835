package io.github.blurdm.blurdm;

import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.pipeline.Conventions;
import io.github.blurdm.blurdm.pipeline.Quantisation;
import java.util.List;

/**
 * The one place that decides how a model's images go in and come out (spec section 8.2, extended by
 * origin): a row of {@link Conventions} per (backbone, origin), and the rules that tell a file's origin.
 * A new backbone adds its rows here.
 *
 * <p>The origin, first rule that applies:
 * <ol>
 * <li>an explicit choice ({@code --conventions}, {@code Deblurrer.Builder.conventions});</li>
 * <li>the origin recorded in a converted file's metadata ({@value #METADATA_KEY});</li>
 * <li>this engine's own files, checkpoints of the BlurDM training code ({@code model_state},
 *     {@code model_dm_state}) and backbones with the prior's layers: BlurDM;</li>
 * <li>anything else (the original releases' {@code {'model': ...}}, a bare state dict without prior
 *     keys): an original release. BlurDM's code writes its backbones only under {@code model_state},
 *     always with the prior's layers.</li>
 * </ol>
 */
public final class ConventionRules {
    /** safetensors metadata key holding {@link Origin#id()}, written by {@code weights convert}. */
    public static final String METADATA_KEY = "conventions";
    /** safetensors metadata key holding why {@link #METADATA_KEY} was chosen at conversion. */
    public static final String METADATA_REASON_KEY = "conventions_reason";

    /** Conventions of one backbone for one origin, and the scripts they reproduce. */
    private record Row(Backbone backbone, Origin origin, Conventions conventions, String source) {
    }

    private static final List<Row> ROWS = List.of(
            // src/MIMO_UNet/deblur_predict.py: trained on v/255 - 0.5; save_image's rounding
            new Row(Backbone.MIMO_UNET, Origin.BLURDM,
                    new Conventions(-0.5f, 8, -0.5f, 0.5f, Quantisation.SAVE_IMAGE),
                    "BlurDM's MIMO-UNet deblur_predict.py"),
            // eval.py: to_tensor (v/255), model(x)[2], clamp(0, 1), += 0.5/255, to_pil_image. It pads nothing
            // and fails on sides that are not multiples of 4; those we pad (reflect) and crop back
            new Row(Backbone.MIMO_UNET, Origin.ORIGINAL_RELEASE,
                    new Conventions(0f, 4, 0f, 1f, Quantisation.TRUNCATE_AFTER_HALF_LEVEL),
                    "chosj95/MIMO-UNet eval.py"));

    private ConventionRules() {
    }

    /** The conventions of {@code backbone} weights from {@code origin}. */
    public static Conventions conventions(Backbone backbone, Origin origin) {
        return row(backbone, origin).conventions();
    }

    /**
     * Decides the conventions of a loaded backbone.
     *
     * @param model      the network in words, e.g. "MIMO-UNet+"
     * @param takesPrior whether the backbone has the BlurDM prior's layers
     * @param layout     what the file's container says
     * @param override   an explicit origin, or null to decide from the file
     */
    public static ConventionChoice choose(Backbone backbone, String model, boolean takesPrior, FileLayout layout,
                                          Origin override) {
        Origin detected;
        String why;
        if (layout.recorded() != null) {
            detected = layout.recorded();
            why = "recorded in the file's metadata (" + METADATA_KEY + " = " + detected.id()
                    + (layout.recordedReason() == null ? "" : "; at conversion: " + layout.recordedReason()) + ")";
        } else if (layout.engineFile()) {
            detected = Origin.BLURDM;
            why = "this engine's own weights file (" + layout.description() + ")";
        } else if (layout.blurdmTraining()) {
            detected = Origin.BLURDM;
            why = "a checkpoint of the BlurDM training code, layout " + layout.description();
        } else if (takesPrior) {
            detected = Origin.BLURDM;
            why = model + ": the backbone has the BlurDM prior's layers (Decoder.*.kv), layout " + layout.description();
        } else {
            detected = Origin.ORIGINAL_RELEASE;
            why = "an original " + model + " release: layout " + layout.description() + ", no prior keys";
        }
        if (override == null) {
            return choice(backbone, detected, why, false);
        }
        return choice(backbone, override, "set explicitly (the file alone " + (override == detected ? "agrees" : "gives "
                + detected.id()) + ": " + why + ")", true);
    }

    private static ConventionChoice choice(Backbone backbone, Origin origin, String reason, boolean explicit) {
        Row r = row(backbone, origin);
        return new ConventionChoice(origin, r.conventions(), r.source(), reason, explicit);
    }

    private static Row row(Backbone backbone, Origin origin) {
        for (Row r : ROWS) {
            if (r.backbone() == backbone && r.origin() == origin) {
                return r;
            }
        }
        throw new IllegalStateException("no conventions for " + backbone.displayName() + " weights of origin " + origin);
    }
}

package io.github.blurdm.blurdm;

import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.pipeline.Conventions;

/**
 * Decides how a model's images go in and come out (spec section 8.2, extended by origin): the table
 * (backbone, origin) -> {@link Conventions}, whose rows each backbone family declares
 * ({@link io.github.blurdm.blurdm.backbone.BackboneFamily#conventions}), and the rules that tell a file's origin.
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

    private ConventionRules() {
    }

    /** The conventions of {@code backbone} weights from {@code origin}. */
    public static Conventions conventions(Backbone backbone, Origin origin) {
        return backbone.family().conventions(origin).conventions();
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
            why = model + ": the backbone has the BlurDM prior's layers (its kv Linear layers), layout " + layout.description();
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
        ConventionRow r = backbone.family().conventions(origin);
        return new ConventionChoice(origin, r.conventions(), r.source(), reason, explicit);
    }
}

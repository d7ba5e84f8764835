package io.github.blurdm.blurdm.backbone;

/**
 * The backbone families the engine runs; each has its inference conventions per file origin in
 * {@code ConventionRules} (package {@code blurdm}). A new backbone adds a constant here and its rows there.
 */
public enum Backbone {
    /** MIMO-UNet and MIMO-UNet+ (chosj95/MIMO-UNet), with or without the BlurDM prior. */
    MIMO_UNET("MIMO-UNet");

    private final String displayName;

    Backbone(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}

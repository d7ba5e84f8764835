package io.github.blurdm.blurdm;

/**
 * What a weights file's container says about where it comes from, as {@link BlurdmModel} found it:
 * the evidence {@link ConventionRules#choose} decides the conventions from.
 *
 * @param description    the layout in words, for messages: "{'model': ...}", "a bare state dict" ...
 * @param engineFile     this engine's own safetensors (architecture "<family>{@value BlurdmModel#ENGINE_SUFFIX}")
 * @param blurdmTraining a checkpoint of the BlurDM training code: it holds {@code model_state} or
 *                       {@code model_dm_state}
 * @param recorded       the origin stored in the file's metadata by {@code weights convert}, or null
 * @param recordedReason why it was stored (the reason given at conversion), or null
 */
public record FileLayout(String description, boolean engineFile, boolean blurdmTraining, Origin recorded,
                         String recordedReason) {
    /** A file that says nothing beyond its layout. */
    public static FileLayout of(String description) {
        return new FileLayout(description, false, false, null, null);
    }
}

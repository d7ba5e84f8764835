package io.github.blurdm.blurdm.pipeline;

/** How a backbone covers an image too large to run whole, and where the prior comes from then. */
public enum TileRule {
    /**
     * The whole image when it fits the memory budget, else overlapping tiles (origins on the padding grid)
     * blended with linear ramps; one prior for the whole image, its encoder run on non-overlapping tiles
     * extended by the receptive radius, so the pooled latent is the whole image's.
     */
    BLENDED_WHOLE_IMAGE_PRIOR
}

package io.github.blurdm.blurdm.pipeline;

/** How a backbone covers an image too large to run whole, and where the prior comes from then. */
public enum TileRule {
    /**
     * The whole image when it fits the memory budget, else overlapping tiles (origins on the padding grid)
     * blended with linear ramps; one prior for the whole image, its encoder run on non-overlapping tiles
     * extended by the receptive radius, so the pooled latent is the whole image's.
     */
    BLENDED_WHOLE_IMAGE_PRIOR,
    /**
     * Always tiles of the family's {@code tileSide()} (min(side, tile) along a shorter side) overlapping by its
     * {@code tileOverlap()}, placed as the official code places them ({@link FixedTiling}); sides the network
     * cannot take are reflect-padded first ({@link FixedTiling#paddedSide}). The prior generator runs on each
     * tile (tile n takes noise row n, or Philox stream n); the network returns each tile's residual map; the
     * maps are merged ({@link TileMerge}: the official ramps by default), cropped and added to the normalised
     * image. LoFormer's official inference (spec 5.4.6).
     */
    FIXED_TILES_PRIOR_PER_TILE
}

/**
 * LoFormer (INVOKERer/LoFormer, ACM MM 2024) with and without the BlurDM prior (spec section 5.4): the network
 * ({@link io.github.blurdm.blurdm.backbone.loformer.LoFormer}), its sizes read from a state dict
 * ({@link io.github.blurdm.blurdm.backbone.loformer.LoFormerConfig}) and its declaration
 * ({@link io.github.blurdm.blurdm.backbone.loformer.LoFormerFamily}). Its official tiled inference with a prior
 * per tile is the pipeline's {@code TileRule.FIXED_TILES_PRIOR_PER_TILE} ({@code pipeline.PerTilePrior},
 * {@code pipeline.FixedTiling}).
 */
package io.github.blurdm.blurdm.backbone.loformer;

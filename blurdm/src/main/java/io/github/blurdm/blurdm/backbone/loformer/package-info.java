/**
 * LoFormer (INVOKERer/LoFormer, ACM MM 2024) with and without the BlurDM prior (spec section 5.4): the network
 * ({@link io.github.blurdm.blurdm.backbone.loformer.LoFormer}), its sizes read from a state dict
 * ({@link io.github.blurdm.blurdm.backbone.loformer.LoFormerConfig}), and the official tiled inference with a
 * prior per tile ({@link io.github.blurdm.blurdm.backbone.loformer.LoFormerTiling},
 * {@link io.github.blurdm.blurdm.backbone.loformer.LoFormerInference}).
 */
package io.github.blurdm.blurdm.backbone.loformer;

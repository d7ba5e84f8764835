/**
 * Stripformer (Tsai et al., ECCV 2022) with or without the BlurDM prior (spec section 5.2): the network
 * ({@link io.github.blurdm.blurdm.backbone.stripformer.Stripformer}), its sizes
 * ({@link io.github.blurdm.blurdm.backbone.stripformer.StripformerConfig}) and its declaration
 * ({@link io.github.blurdm.blurdm.backbone.stripformer.StripformerFamily}).
 */
package io.github.blurdm.blurdm.backbone.stripformer;

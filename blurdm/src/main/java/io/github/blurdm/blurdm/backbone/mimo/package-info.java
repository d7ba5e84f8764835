/** MIMO-UNet and MIMO-UNet+ (spec section 5.1), with or without the BlurDM prior, and their declaration {@link io.github.blurdm.blurdm.backbone.mimo.MimoFamily}. */
package io.github.blurdm.blurdm.backbone.mimo;

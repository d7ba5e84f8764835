/** Deblurring backbones that take the BlurDM prior: MIMO-UNet(+) first. */
package io.github.blurdm.blurdm.backbone;

/**
 * FFTformer (Kong et al., CVPR 2023; spec section 5.3), with or without the BlurDM prior in its FSAS blocks:
 * the network sized from the weights ({@link io.github.blurdm.blurdm.backbone.fftformer.FftformerConfig}), its
 * blocks, named as PyTorch names them.
 */
package io.github.blurdm.blurdm.backbone.fftformer;

/**
 * Image quality metrics exactly as the official BlurDM evaluation computes them (blurdm-spec.md
 * section 9): {@link io.github.blurdm.blurdm.metrics.Psnr} and the "3-D" Gaussian
 * {@link io.github.blurdm.blurdm.metrics.Ssim3d}, on RGB images of 8-bit values, with no colour
 * conversion and no border crop, in float64. The {@code blurdm eval} command reports both.
 */
package io.github.blurdm.blurdm.metrics;

package io.github.blurdm.blurdm.prior;

/**
 * Sizes of the BlurDM prior generator ({@code LatentExposureDiffusion}). The paper's values are
 * {@link #PAPER}: 64 encoder features, 6 encoder ResBlocks, a 256-d latent, 5 denoiser blocks, T = 5.
 *
 * @param encoderFeatures  LE_arch {@code n_feats}
 * @param encoderResBlocks LE_arch {@code n_encoder_res}
 * @param latent           latent width ({@code n_featsx4}); the prior vector's length
 * @param denoiserBlocks   Linear+LReLU blocks after the input layer of each denoiser
 * @param steps            diffusion steps T
 */
public record PriorConfig(int encoderFeatures, int encoderResBlocks, int latent, int denoiserBlocks, int steps) {
    public static final PriorConfig PAPER = new PriorConfig(64, 6, 256, 5, 5);

    public PriorConfig {
        if (encoderFeatures < 1 || encoderResBlocks < 0 || latent < 1 || denoiserBlocks < 0 || steps < 1) {
            throw new IllegalArgumentException("invalid prior config: " + encoderFeatures + " features, "
                    + encoderResBlocks + " encoder blocks, latent " + latent + ", " + denoiserBlocks
                    + " denoiser blocks, " + steps + " steps");
        }
    }
}

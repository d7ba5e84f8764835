package io.github.blurdm.runtime;

/**
 * Sizes and noise source of {@link Op#PRIOR_SAMPLER}.
 *
 * @param latent         L, the prior's width
 * @param denoiserBlocks D, the Linear(L -> L) + LReLU blocks after each denoiser's input layer
 * @param steps          T, the number of reverse steps
 * @param seed           Philox seed of the initial noise when no noise tensor is given
 * @param stream0        Philox stream of image 0 (image n uses {@code stream0 + n})
 */
public record PriorSamplerParams(int latent, int denoiserBlocks, int steps, long seed, long stream0) {
    /** Validates: L >= 1, D >= 0, T >= 1. */
    public PriorSamplerParams {
        if (latent < 1 || denoiserBlocks < 0 || steps < 1) {
            throw new IllegalArgumentException("prior_sampler: latent and steps must be >= 1 and denoiser blocks >= 0, got L="
                    + latent + " D=" + denoiserBlocks + " T=" + steps);
        }
    }

    /** Floats in one packed denoiser: {@code w0 [L,2L+1] | b0 [L] | (w_k [L,L] | b_k [L]) x D}. */
    public long packedSize() {
        long l = latent;
        return l * (2 * l + 1) + l + denoiserBlocks * (l * l + l);
    }

    /** Floats in the schedule: {@code alphas [T+1] | betas_bar [T] | time_stamps [T]}. */
    public int scheduleSize() {
        return 3 * steps + 1;
    }

    @Override
    public String toString() {
        return "L=" + latent + ",D=" + denoiserBlocks + ",T=" + steps;
    }
}

package io.github.blurdm.blurdm.backbone;

/**
 * Sizes of a MIMO-UNet-family backbone (spec section 5.1).
 *
 * @param baseChannels channels at full resolution (32 in the paper); 2x and 4x at 1/2 and 1/4
 * @param resBlocks    ResBlocks per encoder/decoder stage (20 for MIMO-UNet+, 8 for MIMO-UNet)
 * @param withPrior    whether the decoder blocks take the BlurDM prior (own a {@code kv} Linear)
 * @param latent       prior length (256)
 */
public record MimoConfig(int baseChannels, int resBlocks, boolean withPrior, int latent) {
    /** MIMO-UNet+ with the BlurDM prior, as in the paper. */
    public static final MimoConfig PLUS_PRIOR = new MimoConfig(32, 20, true, 256);
    /** MIMO-UNet+ without prior. */
    public static final MimoConfig PLUS = new MimoConfig(32, 20, false, 256);
    /** MIMO-UNet without prior. */
    public static final MimoConfig BASE = new MimoConfig(32, 8, false, 256);

    public MimoConfig {
        if (baseChannels < 4 || resBlocks < 0 || latent < 1) {
            throw new IllegalArgumentException("invalid MIMO-UNet config: base " + baseChannels + ", "
                    + resBlocks + " ResBlocks, latent " + latent + " (base must be >= 4)");
        }
    }

    /**
     * The name its papers use: "MIMO-UNet+" (32 channels, 20 ResBlocks per stage), "MIMO-UNet" (32, 8), else
     * "MIMO-UNet (base B, R ResBlocks)"; " with the BlurDM prior" when it takes one.
     */
    public String displayName() {
        String name = baseChannels == 32 && resBlocks == 20 ? "MIMO-UNet+"
                : baseChannels == 32 && resBlocks == 8 ? "MIMO-UNet"
                : "MIMO-UNet (base " + baseChannels + ", " + resBlocks + (resBlocks == 1 ? " ResBlock)" : " ResBlocks)");
        return withPrior ? name + " with the BlurDM prior" : name;
    }
}

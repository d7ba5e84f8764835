package io.github.blurdm.blurdm.pipeline;

/**
 * How a de-normalised value v in [0, 1] (float32) becomes an 8-bit level. The rules differ in the last
 * level for about a third of the values, so each is written as its source code computes it, in float32.
 */
public enum Quantisation {
    /**
     * torchvision's {@code save_image} (the BlurDM predict scripts): {@code uint8(clamp(v*255 + 0.5, 0, 255))},
     * the cast truncating.
     */
    SAVE_IMAGE("x255 +0.5, clamp [0, 255], truncate (save_image)") {
        @Override
        public int level(float v) {
            return (int) Math.min(255f, Math.max(0f, v * 255f + 0.5f));
        }
    },
    /**
     * The original MIMO-UNet's eval.py: {@code pred += 0.5/255} then torchvision's {@code to_pil_image},
     * which computes {@code pic.mul(255).byte()}: (v + 0.5/255) * 255 truncated. The offset is the double
     * 0.5/255 rounded to float32, as PyTorch adds a Python scalar to a float tensor. v in [0, 1] gives
     * [0.5, 255.5), so no clamp is needed.
     */
    TRUNCATE_AFTER_HALF_LEVEL("+0.5/255, x255, truncate (eval.py's to_pil_image)") {
        @Override
        public int level(float v) {
            return (int) ((v + HALF_LEVEL) * 255f);
        }
    },
    /**
     * Rounding half to even, as {@code torch.round} / {@code numpy.round} do on v*255, clamped to [0, 255].
     * For backbones whose scripts round that way (LoFormer's); no MIMO-UNet file uses it.
     */
    ROUND_HALF_EVEN("x255, round half to even, clamp [0, 255]") {
        @Override
        public int level(float v) {
            return (int) Math.rint(Math.min(255f, Math.max(0f, v * 255f)));
        }
    };

    /** 0.5/255 computed in double and rounded to float32. */
    static final float HALF_LEVEL = (float) (0.5 / 255);

    private final String description;

    Quantisation(String description) {
        this.description = description;
    }

    /** The 8-bit level of v, a float32 value in [0, 1] (NaN gives 0). */
    public abstract int level(float v);

    /** One line for logs and {@code weights inspect}. */
    public String description() {
        return description;
    }
}

package io.github.blurdm.runtime;

/**
 * A pointwise activation fused into an op's epilogue (conv, linear). Immutable.
 *
 * @param kind  which function
 * @param slope negative slope of {@link Kind#LEAKY_RELU}; 0 otherwise
 */
public record Activation(Kind kind, float slope) {
    /** The functions that can be fused. */
    public enum Kind {
        /** The identity. */
        NONE,
        /** max(x, 0). */
        RELU,
        /** x >= 0 ? x : slope * x. */
        LEAKY_RELU,
        /** The exact (erf) GELU. */
        GELU
    }

    /** No activation: the identity. */
    public static final Activation NONE = new Activation(Kind.NONE, 0f);
    /** max(x, 0). */
    public static final Activation RELU = new Activation(Kind.RELU, 0f);
    /** The exact (erf) GELU, PyTorch's default. */
    public static final Activation GELU = new Activation(Kind.GELU, 0f);

    /** Validates: kind not null; a slope only for LEAKY_RELU, and finite. */
    public Activation {
        if (kind == null) {
            throw new IllegalArgumentException("activation kind must not be null");
        }
        if (kind != Kind.LEAKY_RELU && slope != 0f) {
            throw new IllegalArgumentException("only LEAKY_RELU takes a slope, got " + kind + " with " + slope);
        }
        if (!Float.isFinite(slope)) {
            throw new IllegalArgumentException("leaky ReLU slope must be finite, got " + slope);
        }
    }

    /** LeakyReLU with the given negative slope (PyTorch's {@code negative_slope}). */
    public static Activation leakyRelu(float slope) {
        return new Activation(Kind.LEAKY_RELU, slope);
    }

    /** Applies the activation to one value (the scalar reference every backend must match). */
    public float apply(float v) {
        switch (kind) {
            case RELU:
                return v > 0f ? v : 0f;
            case LEAKY_RELU:
                return v >= 0f ? v : v * slope;
            case GELU:
                return Gelu.apply(v);
            default:
                return v;
        }
    }

    @Override
    public String toString() {
        return kind == Kind.LEAKY_RELU ? "leaky_relu(" + slope + ")" : kind.name().toLowerCase();
    }
}

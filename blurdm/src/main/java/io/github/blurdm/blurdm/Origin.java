package io.github.blurdm.blurdm;

import java.util.Locale;

/**
 * Where a weights file comes from, which decides the conventions it was trained with (how images are
 * normalised, padded and quantised; {@link ConventionRules}): the same network weights give visibly
 * different images under the other origin's conventions.
 */
public enum Origin {
    /** As its authors released it (chosj95/MIMO-UNet's {@code MIMO-UNetPlus.pkl}); run as the authors' eval.py does. */
    ORIGINAL_RELEASE("original"),
    /** Trained by the BlurDM code or written by this engine; run as BlurDM's predict scripts do. */
    BLURDM("blurdm");

    private final String id;

    Origin(String id) {
        this.id = id;
    }

    /** The name used by {@code --conventions} and in weights metadata: "original" or "blurdm". */
    public String id() {
        return id;
    }

    /**
     * Parses {@link #id()} (any case).
     *
     * @param what names the argument in the message, e.g. "--conventions"
     * @throws IllegalArgumentException naming {@code what}, the allowed values and what was found
     */
    public static Origin parse(String value, String what) {
        if (value != null) {
            for (Origin o : values()) {
                if (o.id.equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return o;
                }
            }
        }
        throw new IllegalArgumentException(what + " must be 'original' (the authors' release: their eval.py's "
                + "conventions) or 'blurdm' (BlurDM's), found " + (value == null ? "nothing" : "'" + value + "'"));
    }

    @Override
    public String toString() {
        return id;
    }
}

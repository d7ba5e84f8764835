package io.github.blurdm.blurdm.pipeline;

import java.util.Locale;

/** How {@link TileRule#FIXED_TILES_PRIOR_PER_TILE} blends overlapping tile maps ({@link FixedTiling#merge}). */
public enum TileMerge {
    /**
     * The official code's ramps, literally (the default, so results match the official code): with a single tile
     * along a side its first overlap rows or columns are faded from 0, and some sizes weigh overlaps above 1.
     */
    OFFICIAL,
    /** Linear ramps over the overlaps only, normalised to sum to 1; image borders are never faded. */
    SEAMLESS;

    /** "official" or "seamless". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The merge named {@code value} (any case).
     *
     * @param what names the argument in the message, e.g. "--tile-merge"
     */
    public static TileMerge parse(String value, String what) {
        for (TileMerge m : values()) {
            if (m.id().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException(what + " must be official or seamless, found "
                + (value == null ? "nothing" : "'" + value + "'"));
    }
}

package io.github.blurdm.blurdm.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.blurdm.blurdm.ConventionRow;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.pipeline.TileRule;
import java.util.Map;

/**
 * One backbone family's declaration: everything the shared code (the prior, the pipeline and its tiling,
 * {@code Deblurrer}, the CLI, {@code weights inspect|convert}) knows about it, in one place (spec section 8.2).
 * Implementations are stateless.
 */
public interface BackboneFamily {
    /** The name {@code --architecture} takes and weights metadata records, e.g. "mimo_unet". */
    String architecture();

    /** The family in words, e.g. "MIMO-UNet". */
    String displayName();

    /**
     * Whether a state-dict name belongs to this family (its top-level modules): detection picks the family
     * that owns most of a file's names, so a file that is almost right is still recognised and its loading
     * lists every missing, unexpected and mis-shaped name.
     */
    boolean owns(String name);

    /**
     * The network sized from the weights: from {@code config} (the engine's own files carry one) when it is
     * not null, else inferred from the names and shapes, never assumed.
     *
     * @throws IllegalArgumentException naming the name or setting that is missing or does not fit
     */
    BackboneNetwork build(Map<String, long[]> shapes, JsonNode config);

    /** Image sides the network itself needs are multiples of this; every padding multiple must be one too. */
    int sideMultiple();

    /** The smallest image side it runs on. */
    int minSide();

    /** Which network output inference uses, in words, e.g. "out[2], the full-resolution head". */
    String output();

    /** How images too large to run whole are tiled, and where the prior comes from. */
    TileRule tiling();

    /** The tile side of {@link TileRule#FIXED_TILES_PRIOR_PER_TILE} (0 for the other rules). */
    default int tileSide() {
        return 0;
    }

    /** The tile overlap of {@link TileRule#FIXED_TILES_PRIOR_PER_TILE} (0 for the other rules). */
    default int tileOverlap() {
        return 0;
    }

    /**
     * The smallest tile side of {@link TileRule#FIXED_TILES_PRIOR_PER_TILE}: image sides below it (or not
     * multiples of {@link #sideMultiple()}, up to the tile side) are reflect-padded to it.
     */
    default int minTileSide() {
        return sideMultiple();
    }

    /** How images go in and come out for weights of {@code origin}, and the scripts that does as. */
    ConventionRow conventions(Origin origin);
}

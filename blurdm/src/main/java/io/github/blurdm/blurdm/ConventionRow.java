package io.github.blurdm.blurdm;

import io.github.blurdm.blurdm.pipeline.Conventions;
import java.util.Objects;

/**
 * A backbone's conventions for weights of one origin, and the scripts they reproduce: one row of
 * {@link ConventionRules}' table, declared by the backbone's family.
 *
 * @param conventions what the pipeline does
 * @param source      the scripts these conventions reproduce, e.g. "chosj95/MIMO-UNet eval.py"
 */
public record ConventionRow(Conventions conventions, String source) {
    public ConventionRow {
        Objects.requireNonNull(conventions, "conventions");
        Objects.requireNonNull(source, "source");
    }
}

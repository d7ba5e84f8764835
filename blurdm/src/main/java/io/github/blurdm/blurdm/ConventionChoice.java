package io.github.blurdm.blurdm;

import io.github.blurdm.blurdm.pipeline.Conventions;

/**
 * The conventions a model runs with, and why: made by {@link ConventionRules#choose}, shown by
 * {@code weights inspect} and logged when a {@link Deblurrer} is built.
 *
 * @param origin      the origin whose conventions apply
 * @param conventions what the pipeline does
 * @param source      the scripts these conventions reproduce, e.g. "chosj95/MIMO-UNet eval.py"
 * @param reason      why this origin: the file's evidence, or the explicit choice
 * @param explicit    chosen by the caller ({@code --conventions}), not detected from the file
 */
public record ConventionChoice(Origin origin, Conventions conventions, String source, String reason,
                               boolean explicit) {
    /** One line: "conventions original (as chosj95/MIMO-UNet eval.py: v/255; ...): because ...". */
    public String describe() {
        return "conventions " + origin.id() + " (as " + source + ": " + conventions.describe() + "): " + reason;
    }
}

package io.github.blurdm.runtime.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * Reports the preferred float vector shape and the conv register tile it selects; loaded only when
 * the Vector API module is present.
 */
final class VectorWidth {
    private VectorWidth() {
    }

    static String describe() {
        return FloatVector.SPECIES_PREFERRED.length() + " float lanes ("
                + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit), conv tile "
                + ConvRowKernel.DEFAULT.label();
    }
}

package io.github.blurdm.runtime.cpu;

import jdk.incubator.vector.FloatVector;

/** Reports the preferred float vector shape; loaded only when the Vector API module is present. */
final class VectorWidth {
    private VectorWidth() {
    }

    static String describe() {
        return FloatVector.SPECIES_PREFERRED.length() + " float lanes ("
                + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit)";
    }
}

package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.runtime.cpu.VectorSupport;
import java.util.List;

/**
 * The CPU backends every parity case runs on: the Vector API path (when the JVM has the module) and
 * the forced scalar reference, two threads each so the parallel split is exercised. Shared by all
 * tests of a JVM and never closed (their pool threads are daemons).
 */
public final class CpuVariants {
    /** A backend and the name tests and logs give it. */
    public record Variant(String name, CpuBackend backend) {
        @Override
        public String toString() {
            return name;
        }
    }

    public static final Variant VECTOR = new Variant(VectorSupport.AVAILABLE ? "cpu-vector"
            : "cpu-vector-unavailable", new CpuBackend(2, true));
    public static final Variant SCALAR = new Variant("cpu-scalar", new CpuBackend(2, false));

    private CpuVariants() {
    }

    public static List<Variant> all() {
        return List.of(VECTOR, SCALAR);
    }
}

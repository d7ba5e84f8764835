package io.github.blurdm.runtime;

import java.util.Objects;

/**
 * Where a tensor's storage lives: the host ({@link #cpu()}) or one CUDA device ({@link #cuda(int)}).
 * Immutable and thread-safe.
 */
public final class Device {
    /** The kind of memory a device owns. */
    public enum Kind {
        /** The Java heap, computed by the CPU backend. */
        CPU,
        /** An NVIDIA GPU's memory, computed by the CUDA backend. */
        CUDA
    }

    private static final Device CPU = new Device(Kind.CPU, 0);

    private final Kind kind;
    private final int index;

    private Device(Kind kind, int index) {
        this.kind = kind;
        this.index = index;
    }

    /** The host. */
    public static Device cpu() {
        return CPU;
    }

    /** CUDA device {@code index} (0-based, as the driver numbers them). */
    public static Device cuda(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("CUDA device index must be >= 0, got " + index);
        }
        return new Device(Kind.CUDA, index);
    }

    /** CPU or CUDA. */
    public Kind kind() {
        return kind;
    }

    /** The device number (0 for the CPU). */
    public int index() {
        return index;
    }

    /** Whether this is the CPU. */
    public boolean isCpu() {
        return kind == Kind.CPU;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.kind == kind && d.index == index;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, index);
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}

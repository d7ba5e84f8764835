package io.github.blurdm.runtime;

/**
 * The memory behind one or more {@link Tensor}s. A backend owns the storages it allocates;
 * host storage is a plain {@code float[]} and needs no release.
 */
public interface Storage extends AutoCloseable {
    /** Where the memory lives. */
    Device device();

    /** Capacity in float32 elements. */
    long capacity();

    /** Releases native or device memory; host storage ignores it. Idempotent. */
    @Override
    void close();
}

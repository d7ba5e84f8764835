package io.github.blurdm.runtime.cuda;

/**
 * A device address as a {@link CudaDriver} hands it out; only that driver looks inside. Immutable.
 */
interface DevicePointer {
    /** The address {@code bytes} further on (a view into the same allocation). */
    DevicePointer withByteOffset(long bytes);
}

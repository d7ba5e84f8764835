package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Device;
import io.github.blurdm.runtime.Storage;

/**
 * Device memory behind a tensor: one block of the backend's {@link DeviceAllocator}. Closing
 * returns the block to the allocator's cache (idempotent); the backend's close frees it for good.
 */
public final class CudaStorage implements Storage {
    private final CudaBackend owner;
    private final DevicePointer ptr;
    private final long capacity;
    private volatile boolean closed;

    CudaStorage(CudaBackend owner, DevicePointer ptr, long capacity) {
        this.owner = owner;
        this.ptr = ptr;
        this.capacity = capacity;
    }

    CudaBackend owner() {
        return owner;
    }

    DevicePointer pointer() {
        if (closed) {
            throw new IllegalStateException("device storage of " + capacity + " floats on " + owner.device()
                    + " was closed");
        }
        return ptr;
    }

    @Override
    public Device device() {
        return owner.device();
    }

    @Override
    public long capacity() {
        return capacity;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            owner.allocator().free(ptr);
        }
    }
}

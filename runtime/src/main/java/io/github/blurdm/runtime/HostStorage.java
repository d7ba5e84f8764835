package io.github.blurdm.runtime;

/** Host memory: a Java {@code float[]}. */
public final class HostStorage implements Storage {
    private final float[] data;

    /** Wraps {@code data} (not copied). */
    public HostStorage(float[] data) {
        this.data = data;
    }

    /** The wrapped array. */
    public float[] data() {
        return data;
    }

    @Override
    public Device device() {
        return Device.cpu();
    }

    @Override
    public long capacity() {
        return data.length;
    }

    @Override
    public void close() {
        // The garbage collector owns host arrays.
    }
}

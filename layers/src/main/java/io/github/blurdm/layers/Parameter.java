package io.github.blurdm.layers;

import io.github.blurdm.runtime.Tensor;
import java.util.Arrays;

/**
 * One named weight or buffer of a {@link Module}: its expected shape and, once loaded, its value.
 * Buffers (schedules, counters) are state-dict entries that are not trained. Not thread-safe while loading.
 */
public final class Parameter {
    private final int[] shape;
    private final boolean buffer;
    private Tensor value;

    Parameter(int[] shape, boolean buffer) {
        Tensor.checkedSize(shape);
        this.shape = shape.clone();
        this.buffer = buffer;
    }

    public int[] shape() {
        return shape.clone();
    }

    public boolean isBuffer() {
        return buffer;
    }

    public boolean isLoaded() {
        return value != null;
    }

    /** The value; throws if the parameter was never loaded or initialised. */
    public Tensor value() {
        if (value == null) {
            throw new IllegalStateException("parameter " + Arrays.toString(shape) + " has not been loaded");
        }
        return value;
    }

    /** Sets the value; its shape must equal {@link #shape()}. */
    public void set(Tensor t) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("expected " + Arrays.toString(shape) + ", found "
                    + Arrays.toString(t.shape()));
        }
        this.value = t;
    }
}

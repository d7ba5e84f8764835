package io.github.blurdm.runtime;

import java.util.Arrays;

/**
 * A dense, contiguous, row-major float32 tensor of any rank (images are NCHW).
 *
 * <p>A tensor is a shape over a {@link Storage}; {@link #reshape} makes views that share it.
 * Host tensors expose their array through {@link #data()}. Tensors are not thread-safe for
 * concurrent writes; {@link #close()} releases device storage and is a no-op on the host.
 */
public final class Tensor implements AutoCloseable {
    /** Largest element count a tensor may hold (Java arrays are int-indexed). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final int[] shape;
    private final int size;
    private final Storage storage;

    /** A tensor of {@code shape} over (the start of) {@code storage}, which must hold enough elements. */
    public Tensor(Storage storage, int... shape) {
        long n = checkedSize(shape);
        if (n > storage.capacity()) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " needs " + n
                    + " elements but its storage holds " + storage.capacity());
        }
        this.shape = shape.clone();
        this.size = (int) n;
        this.storage = storage;
    }

    /** A host tensor wrapping {@code data} (not copied); its length must equal the shape's size. */
    public static Tensor of(float[] data, int... shape) {
        long n = checkedSize(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n
                    + " elements but the array has " + data.length);
        }
        return new Tensor(new HostStorage(data), shape);
    }

    /** A zero-filled host tensor. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new HostStorage(new float[(int) checkedSize(shape)]), shape);
    }

    /** Number of elements of {@code shape}, validating every dimension. */
    public static long checkedSize(int... shape) {
        if (shape == null || shape.length == 0) {
            throw new IllegalArgumentException("shape must have at least one dimension, got "
                    + Arrays.toString(shape));
        }
        long n = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                        + " has a dimension <= 0");
            }
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                        + " exceeds the " + MAX_ELEMENTS + "-element tensor limit");
            }
        }
        return n;
    }

    /** The dimensions (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** Where the elements live. */
    public Storage storage() {
        return storage;
    }

    /** The device of its storage. */
    public Device device() {
        return storage.device();
    }

    /** Whether the elements are in a Java array ({@link #data()} works). */
    public boolean isHost() {
        return storage instanceof HostStorage;
    }

    /**
     * The backing array of a host tensor (shared, not copied). It may be longer than {@link #size()}
     * (a backend's pooled arrays are): the elements are its first {@code size()}; use
     * {@link #toArray()} for an array of exactly those.
     */
    public float[] data() {
        if (storage instanceof HostStorage h) {
            return h.data();
        }
        throw new IllegalStateException("tensor " + Arrays.toString(shape) + " lives on " + device()
                + "; download it to the host first");
    }

    /** A view with another shape of the same size over the same storage. */
    public Tensor reshape(int... newShape) {
        long n = checkedSize(newShape);
        if (n != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to "
                    + Arrays.toString(newShape) + ": " + size + " vs " + n + " elements");
        }
        return new Tensor(storage, newShape);
    }

    /** Whether {@code other} has exactly this shape. */
    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /** A copy of a host tensor's elements. */
    public float[] toArray() {
        return Arrays.copyOf(data(), size);
    }

    @Override
    public void close() {
        storage.close();
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + "@" + device();
    }
}

package io.github.blurdm.weights;

import java.util.Arrays;

/**
 * A tensor found in a PyTorch checkpoint, not yet read: which storage it views (key and dtype),
 * at which element offset, with which shape and strides (in elements). Validated when the pickle
 * is read: shape and strides non-negative, the element count fits a long, and every element it
 * addresses lies inside its storage. Read it with {@link TorchCheckpoint#read(String, TorchTensor)}.
 * Immutable and thread-safe.
 */
public final class TorchTensor {
    /** More dimensions than this are refused (PyTorch itself allows 64). */
    public static final int MAX_DIMS = 64;

    private final String storageKey;
    private final DType dtype;
    private final long storageNumel;
    private final long offset;
    private final long[] shape;
    private final long[] stride;
    private final boolean requiresGrad;
    private final long numel;

    private TorchTensor(String storageKey, DType dtype, long storageNumel, long offset, long[] shape, long[] stride,
                        boolean requiresGrad, long numel) {
        this.storageKey = storageKey;
        this.dtype = dtype;
        this.storageNumel = storageNumel;
        this.offset = offset;
        this.shape = shape;
        this.stride = stride;
        this.requiresGrad = requiresGrad;
        this.numel = numel;
    }

    /** Validates a view; {@code where} prefixes the message of the exception. */
    static TorchTensor of(String where, String storageKey, DType dtype, long storageNumel, long offset, long[] shape,
                          long[] stride, boolean requiresGrad) throws WeightsException {
        if (shape.length != stride.length) {
            throw new WeightsException(where + ": size " + Arrays.toString(shape) + " and stride "
                    + Arrays.toString(stride) + " differ in rank");
        }
        if (shape.length > MAX_DIMS) {
            throw new WeightsException(where + ": " + shape.length + " dimensions (at most " + MAX_DIMS + ")");
        }
        if (offset < 0) {
            throw new WeightsException(where + ": negative storage offset " + offset);
        }
        long numel = 1;
        long last = offset;
        try {
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0 || stride[i] < 0) {
                    throw new WeightsException(where + ": size " + Arrays.toString(shape) + " / stride "
                            + Arrays.toString(stride) + " must be non-negative");
                }
                numel = Math.multiplyExact(numel, shape[i]);
            }
            if (numel > 0) {
                for (int i = 0; i < shape.length; i++) {
                    last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
                }
            }
        } catch (ArithmeticException e) {
            throw new WeightsException(where + ": size " + Arrays.toString(shape) + " / stride "
                    + Arrays.toString(stride) + " overflow a 64-bit element count");
        }
        if (numel > 0 && last >= storageNumel) {
            throw new WeightsException(where + ": view (offset " + offset + ", size " + Arrays.toString(shape)
                    + ", stride " + Arrays.toString(stride) + ") reaches element " + last + " of a storage of "
                    + storageNumel + " elements");
        }
        return new TorchTensor(storageKey, dtype, storageNumel, offset, shape.clone(), stride.clone(), requiresGrad,
                numel);
    }

    TorchTensor withRequiresGrad(boolean rg) {
        return new TorchTensor(storageKey, dtype, storageNumel, offset, shape, stride, rg, numel);
    }

    /** The storage's key: its bytes are the zip entry {@code <root>/data/<key>}. */
    public String storageKey() {
        return storageKey;
    }

    public DType dtype() {
        return dtype;
    }

    /** Elements in the whole storage (shared storages are larger than any one view). */
    public long storageNumel() {
        return storageNumel;
    }

    /** Offset of element [0,...,0] in the storage, in elements. */
    public long storageOffset() {
        return offset;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** Strides in elements. */
    public long[] stride() {
        return stride.clone();
    }

    public long numel() {
        return numel;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** True if the view is row-major contiguous (size-1 dimensions' strides ignored), at any offset. */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape) + " (storage " + storageKey + ", offset " + offset + ", stride "
                + Arrays.toString(stride) + ")";
    }
}

package io.github.blurdm.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One named tensor as stored in a file: dtype, shape and its little-endian bytes (row-major,
 * contiguous). Independent of any backend; {@link #toFloats()} converts to float32.
 */
public final class TensorData {
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer bytes;

    public TensorData(String name, DType dtype, long[] shape, ByteBuffer bytes) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.bytes = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        long expected = numel() * dtype.bytes();
        if (this.bytes.remaining() != expected) {
            throw new IllegalArgumentException(name + ": " + dtype + Arrays.toString(shape) + " needs " + expected
                    + " bytes, found " + this.bytes.remaining());
        }
    }

    /** A float32 tensor over a copy of {@code values}. */
    public static TensorData ofFloats(String name, float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new TensorData(name, DType.F32, shape, b);
    }

    /** The same bytes under another name. */
    public TensorData withName(String newName) {
        return newName.equals(name) ? this : new TensorData(newName, dtype, shape, bytes);
    }

    /** This tensor converted to F32 (itself if already F32); see {@link #toFloats()}. */
    public TensorData toFloat32() {
        return dtype == DType.F32 ? this : ofFloats(name, toFloats(), shape);
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** The shape as ints; throws if a dimension does not fit. */
    public int[] intShape() {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new IllegalStateException(name + ": dimension " + shape[i] + " too large");
            }
            s[i] = (int) shape[i];
        }
        return s;
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The raw little-endian bytes (a read-only view). */
    public ByteBuffer bytes() {
        return bytes.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The values converted to float32 (exact for F32, F16, BF16; rounded for F64 and integers). */
    public float[] toFloats() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(name + ": " + n + " elements exceed a Java array");
        }
        float[] out = new float[(int) n];
        ByteBuffer b = bytes();
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
            }
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = halfToFloat(b.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
                }
            }
            case I64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.getLong(i * 8);
                }
            }
            case I32 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.getInt(i * 4);
                }
            }
            case I16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.getShort(i * 2);
                }
            }
            case I8 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.get(i);
                }
            }
            case U8, BOOL -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.get(i) & 0xff;
                }
            }
            default -> throw new IllegalStateException("unhandled dtype " + dtype);
        }
        return out;
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat exists only from Java 20). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}

package io.github.blurdm.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a NumPy {@code .npy} array of little-endian float32 or float64 (C order) into float32,
 * e.g. the prior's initial noise saved with {@code np.save}. Versions 1.0, 2.0 and 3.0 of the format.
 */
public final class NpyFile {
    /** Larger files are refused; noise vectors and small tensors are all this format is used for. */
    public static final long MAX_BYTES = 256L << 20;

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final long[] shape;
    private final float[] values;

    private NpyFile(long[] shape, float[] values) {
        this.shape = shape;
        this.values = values;
    }

    public long[] shape() {
        return shape.clone();
    }

    public float[] values() {
        return values.clone();
    }

    /**
     * The bytes of a version-1.0 {@code .npy} file holding {@code values} as little-endian float32 in C order with
     * {@code shape} (as {@code np.save} writes it; {@code np.load} reads it back).
     */
    public static byte[] encode(float[] values, long... shape) {
        long n = 1;
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            n *= d;
            dims.append(d).append(", ");
        }
        if (n != values.length) {
            throw new IllegalArgumentException("npy: shape " + java.util.Arrays.toString(shape) + " holds " + n
                    + " values, found " + values.length);
        }
        String sh = shape.length == 1 ? shape[0] + "," : dims.substring(0, Math.max(0, dims.length() - 2));
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + sh + "), }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        bb.putShort((short) header.length());
        bb.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : values) {
            bb.putFloat(v);
        }
        return bb.array();
    }

    public static NpyFile read(Path path) throws WeightsException {
        byte[] b;
        try {
            long size = Files.size(path);
            if (size > MAX_BYTES) {
                throw new WeightsException(path + ": " + size + " bytes is too large for a .npy input");
            }
            b = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new WeightsException(path + ": cannot read: " + e.getMessage(), e);
        }
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || !new String(b, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new WeightsException(path + ": not a .npy file (missing the \\x93NUMPY magic)");
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int major = b[6];
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) {
                throw new WeightsException(path + ": truncated .npy header");
            }
            headerLen = bb.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            throw new WeightsException(path + ": unsupported .npy version " + major);
        }
        if (start + headerLen > b.length) {
            throw new WeightsException(path + ": truncated .npy header");
        }
        String header = new String(b, start, (int) headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher fo = FORTRAN.matcher(header);
        Matcher sh = SHAPE.matcher(header);
        if (!d.find() || !fo.find() || !sh.find()) {
            throw new WeightsException(path + ": .npy header lacks descr, fortran_order or shape: " + header.trim());
        }
        String descr = d.group(1);
        int itemSize;
        if (descr.equals("<f4") || descr.equals("=f4")) {
            itemSize = 4;
        } else if (descr.equals("<f8") || descr.equals("=f8")) {
            itemSize = 8;
        } else {
            throw new WeightsException(path + ": dtype '" + descr + "' is not little-endian float32 or float64");
        }
        String[] dims = sh.group(1).split(",");
        long[] shape = new long[0];
        long n = 1;
        for (String s : dims) {
            if (s.isBlank()) {
                continue;
            }
            long v;
            try {
                v = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new WeightsException(path + ": bad shape (" + sh.group(1) + ")");
            }
            if (v < 0) {
                throw new WeightsException(path + ": bad shape (" + sh.group(1) + ")");
            }
            shape = java.util.Arrays.copyOf(shape, shape.length + 1);
            shape[shape.length - 1] = v;
            try {
                n = Math.multiplyExact(n, v);
            } catch (ArithmeticException e) {
                throw new WeightsException(path + ": shape (" + sh.group(1) + ") overflows");
            }
        }
        if (fo.group(1).equals("True") && shape.length > 1) {
            throw new WeightsException(path + ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        long dataStart = start + headerLen;
        if (n > (b.length - dataStart) / itemSize) {
            throw new WeightsException(path + ": shape (" + sh.group(1) + ") needs " + n * itemSize
                    + " data bytes but the file has " + (b.length - dataStart));
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < n; i++) {
            int off = (int) (dataStart + (long) i * itemSize);
            v[i] = itemSize == 4 ? bb.getFloat(off) : (float) bb.getDouble(off);
        }
        return new NpyFile(shape, v);
    }
}

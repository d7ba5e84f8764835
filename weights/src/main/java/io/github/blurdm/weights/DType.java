package io.github.blurdm.weights;

/** Element types found in checkpoints, with their safetensors names and sizes in bytes. */
public enum DType {
    F64("F64", 8), F32("F32", 4), F16("F16", 2), BF16("BF16", 2),
    I64("I64", 8), I32("I32", 4), I16("I16", 2), I8("I8", 1), U8("U8", 1), BOOL("BOOL", 1);

    private final String safetensorsName;
    private final int bytes;

    DType(String safetensorsName, int bytes) {
        this.safetensorsName = safetensorsName;
        this.bytes = bytes;
    }

    public String safetensorsName() {
        return safetensorsName;
    }

    public int bytes() {
        return bytes;
    }

    /** F64, F32, F16, BF16. */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** The dtype with this safetensors name, or null. */
    public static DType fromSafetensors(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) {
                return d;
            }
        }
        return null;
    }
}

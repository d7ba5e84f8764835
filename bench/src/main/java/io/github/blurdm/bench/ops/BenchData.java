package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import java.util.Random;

/** Seeded inputs and backend construction shared by the op benchmarks. */
final class BenchData {
    private BenchData() {
    }

    /** Uniform in [-1,1), never zero, from a fixed seed. */
    static Tensor random(long seed, int... shape) {
        Random rnd = new Random(seed);
        float[] d = new float[(int) Tensor.checkedSize(shape)];
        for (int i = 0; i < d.length; i++) {
            float v;
            do {
                v = rnd.nextFloat() * 2f - 1f;
            } while (v == 0f);
            d[i] = v;
        }
        return Tensor.of(d, shape);
    }

    /** Threads from {@code blurdm.threads}, default 2. */
    static int threads() {
        return Integer.parseInt(System.getProperty("blurdm.threads", "2"));
    }

    /** "vector" (Vector API paths; fails if unavailable) or "scalar" (the reference loops). */
    static CpuBackend backend(String variant) {
        boolean vec = switch (variant) {
            case "vector" -> true;
            case "scalar" -> false;
            default -> throw new IllegalArgumentException("backend must be vector or scalar, got " + variant);
        };
        CpuBackend be = new CpuBackend(threads(), vec);
        if (vec && !be.usesVector()) {
            be.close();
            throw new IllegalStateException("backend=vector but the Vector API is not available; run the JVM with "
                    + "--add-modules jdk.incubator.vector");
        }
        return be;
    }

    /** Parses "AxBxC" into ints. */
    static int[] dims(String s) {
        String[] parts = s.split("x");
        int[] d = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            d[i] = Integer.parseInt(parts[i]);
        }
        return d;
    }
}

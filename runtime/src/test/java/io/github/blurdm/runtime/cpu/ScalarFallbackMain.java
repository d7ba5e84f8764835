package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Tensor;
import java.util.Arrays;

/**
 * Run by {@link ScalarFallbackTest} in a child JVM started without {@code --add-modules
 * jdk.incubator.vector}: builds the default CPU backend, runs one conv2d and prints
 * {@code usesVector=...}, {@code available=...} and {@code checksum=...}.
 */
public final class ScalarFallbackMain {
    private ScalarFallbackMain() {
    }

    /** A fixed conv2d (3x3, stride 1, pad 1, bias, leaky ReLU) on deterministic inputs. */
    static float[] compute(CpuBackend b) {
        Tensor x = fill(1, 5, 9, 7);
        Tensor w = fill(6, 5, 3, 3);
        Tensor bias = fill(6);
        Tensor out = b.allocate(1, 6, 9, 7);
        b.conv2d(out, x, w, bias, Conv2dParams.of(1, 1).withActivation(Activation.leakyRelu(0.1f)));
        return out.toArray();
    }

    static int checksum(float[] v) {
        return Arrays.hashCode(v);
    }

    private static Tensor fill(int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) Math.sin(0.37 * i + shape.length);
        }
        return t;
    }

    public static void main(String[] args) {
        try (CpuBackend b = new CpuBackend(2, true)) {
            float[] out = compute(b);
            System.out.println("usesVector=" + b.usesVector());
            System.out.println("available=" + VectorSupport.AVAILABLE);
            System.out.println("checksum=" + checksum(out));
        }
    }
}

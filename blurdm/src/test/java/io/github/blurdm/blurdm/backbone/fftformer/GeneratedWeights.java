package io.github.blurdm.blurdm.backbone.fftformer;

import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Parameter;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The default-size test weights of weights/reference/make_fftformer_fixtures.py (generated_value), bit for
 * bit: too large to commit (66 MB), so both sides make them. Element i of tensor {@code name} is
 * u = (mix(crc32(name) + i * 0x9E3779B9) >>> 8) * 2^-23 - 1 with murmur3's finaliser as mix; norm weights are
 * 1 + 0.2u, norm biases and other biases 0.1u, DFFN filters 1 + 0.5u, other weights s*u with
 * s = (float) (1 / sqrt(fan_in)), the output conv 0.1 s u, all in float32.
 */
final class GeneratedWeights {
    private GeneratedWeights() {
    }

    static float[] values(String name, int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        long seed = crc.getValue();
        boolean fft = name.endsWith(".fft");
        boolean norm = (name.contains(".norm") || name.startsWith("norm")) && name.endsWith(".weight");
        boolean bias = name.endsWith(".bias");
        int fanIn = shape.length > 1 ? n / shape[0] : n;
        float s = (float) (1.0 / Math.sqrt(fanIn));
        boolean output = name.equals("output.weight");
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int x = mix((int) (seed + (long) i * 0x9E3779B9L));
            float u = (x >>> 8) * 0x1p-23f - 1f;
            if (fft) {
                v[i] = 1f + 0.5f * u;
            } else if (norm) {
                v[i] = 1f + 0.2f * u;
            } else if (bias) {
                v[i] = 0.1f * u;
            } else {
                float w = s * u;
                v[i] = output ? 0.1f * w : w;
            }
        }
        return v;
    }

    private static int mix(int x) {
        x ^= x >>> 16;
        x *= 0x85EBCA6B;
        x ^= x >>> 13;
        x *= 0xC2B2AE35;
        x ^= x >>> 16;
        return x;
    }

    /** Sets every trainable parameter of {@code m} (buffers are left to the caller) to its generated value. */
    static void fill(Module m, Backend backend) {
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (!p.isBuffer()) {
                p.set(backend.upload(Tensor.of(values(e.getKey(), p.shape()), p.shape())));
            }
        }
    }
}

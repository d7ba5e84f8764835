package io.github.blurdm.blurdm.backbone.stripformer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.layers.Parameter;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The token MLP in bands of rows gives what it gives on the whole map (every pixel is on its own), up to the
 * conv paths' summation order, which follows the map's width and length: rel-L2 <= 1e-6.
 */
class StripBlocksTest {
    private static Tensor random(Random r, int... shape) {
        float[] v = new float[(int) Tensor.checkedSize(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, shape);
    }

    @Test
    void theTokenMlpInBandsEqualsTheWholeMap() {
        Random r = new Random(7);
        try (CpuBackend cpu = new CpuBackend(2, true)) {
            StripBlocks.Mlp mlp = new StripBlocks.Mlp(6, 10);
            for (Map.Entry<String, Parameter> e : mlp.namedParameters().entrySet()) {
                e.getValue().set(cpu.upload(random(r, e.getValue().shape())));
            }
            Ops ops = new Ops(cpu);
            Tensor x = random(r, 2, 6, 13, 5);
            float[] whole = mlp.forward(ops, x, Long.MAX_VALUE).data();
            for (long band : new long[] {2 * 10 * 5, 2 * 10 * 5 * 4, 2 * 10 * 5 * 12, 1}) {
                double e = StripformerParityTest.relL2(mlp.forward(ops, x, band).data(), whole);
                assertTrue(e <= 1e-6, "band of " + band + " floats: rel-L2 " + e);
            }
        }
    }
}

package io.github.blurdm.blurdm.backbone.mimo;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.layers.Conv2d;
import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Parameter;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.runtime.ops.Parity;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MimoUNet runs each AFF with the nearest upsampling moved behind its 1x1 conv; that must be the PyTorch
 * order's function: {@code forward} of the upsampled inputs (the concatenation), on both CPU paths, seeded
 * random weights and maps (odd sizes), never zeros.
 */
class AffAcrossScalesTest {
    private static Tensor random(Random r, int... shape) {
        float[] v = new float[(int) Tensor.checkedSize(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, shape);
    }

    private static void randomWeights(Module m, Random r) {
        for (Parameter p : m.namedParameters().values()) {
            p.set(random(r, p.shape()));
        }
    }

    /** ||got - want|| / ||want|| ({@link Parity#relL2}; NaN if either holds a NaN). */
    private static double relL2(Tensor got, Tensor want) {
        return Parity.relL2(got.data(), want.data(), want.size());
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void bothAffsMatchTheConcatenationOfUpsampledMaps(boolean vector) {
        Random r = new Random(41);
        int c1 = 8;
        int c2 = 16;
        int c4 = 32;
        int h = 20;
        int w = 28;
        try (CpuBackend cpu = new CpuBackend(2, vector)) {
            Ops ops = new Ops(cpu);
            Tensor res1 = random(r, 2, c1, h, w);
            Tensor res2 = random(r, 2, c2, h / 2, w / 2);
            Tensor z = random(r, 2, c4, h / 4, w / 4);
            MimoBlocks.Aff aff0 = new MimoBlocks.Aff(c1 + c2 + c4, c1);
            MimoBlocks.Aff aff1 = new MimoBlocks.Aff(c1 + c2 + c4, c2);
            randomWeights(aff0, r);
            randomWeights(aff1, r);

            Tensor z42 = ops.upsampleNearest2(z);
            Tensor want0 = aff0.forward(ops, res1, ops.upsampleNearest2(res2), ops.upsampleNearest2(z42));
            Tensor got0 = aff0.forwardAcrossScales(ops, res1, res2, z);
            Tensor z12 = ops.downsampleNearest2(res1);
            Tensor want1 = aff1.forward(ops, z12, res2, z42);
            Tensor got1 = aff1.forwardAcrossScales(ops, z12, res2, z);

            assertTrue(relL2(got0, want0) <= 1e-6, "AFF0 rel-L2 " + relL2(got0, want0));
            assertTrue(relL2(got1, want1) <= 1e-6, "AFF1 rel-L2 " + relL2(got1, want1));
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void aConvOfAConcatenationIsTheSumOfItsPiecesContributions(boolean vector) {
        Random r = new Random(43);
        try (CpuBackend cpu = new CpuBackend(2, vector)) {
            Ops ops = new Ops(cpu);
            Conv2d conv = new Conv2d(5 + 11, 7, 3, 1, 1, true);
            randomWeights(conv, r);
            Tensor a = random(r, 1, 5, 9, 13);
            Tensor b = random(r, 1, 11, 9, 13);
            Tensor want = conv.forward(ops, ops.concat(a, b));
            Tensor got = conv.forwardInputChannels(ops, a, 0, true);
            ops.backend().add(got, got, conv.forwardInputChannels(ops, b, 5, false));
            assertTrue(relL2(got, want) <= 1e-6, "rel-L2 " + relL2(got, want));
            assertThrows(IllegalArgumentException.class, () -> conv.forwardInputChannels(ops, b, 6, false));
            Conv2d grouped = new Conv2d(4, 4, 3, io.github.blurdm.runtime.Conv2dParams.of(1, 1).withGroups(2), false);
            assertThrows(IllegalArgumentException.class,
                    () -> grouped.forwardInputChannels(ops, random(r, 1, 2, 5, 5), 0, false));
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void anInputOfAnotherSizeIsRefused(boolean vector) {
        Random r = new Random(47);
        try (CpuBackend cpu = new CpuBackend(2, vector)) {
            Ops ops = new Ops(cpu);
            MimoBlocks.Aff aff = new MimoBlocks.Aff(3 + 4 + 5, 3);
            randomWeights(aff, r);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> aff.forwardAcrossScales(
                    ops, random(r, 1, 3, 16, 16), random(r, 1, 4, 8, 8), random(r, 1, 5, 3, 4)));
            assertTrue(e.getMessage().contains("[1, 5, 3, 4]"), e.getMessage());
        }
    }
}

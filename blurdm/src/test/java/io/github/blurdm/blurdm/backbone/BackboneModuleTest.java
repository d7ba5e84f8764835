package io.github.blurdm.blurdm.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.backbone.mimo.MimoConfig;
import io.github.blurdm.blurdm.backbone.mimo.MimoUNet;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** What every backbone inherits: its family and config, and the refusal of inputs it cannot take, naming it. */
class BackboneModuleTest {
    private static final MimoConfig SMALL_PRIOR = new MimoConfig(4, 1, true, 8);
    private static final MimoConfig SMALL = new MimoConfig(4, 1, false, 8);

    private static String refusal(MimoConfig c, Tensor x, Tensor prior) {
        try (CpuBackend cpu = new CpuBackend(1, false)) {
            MimoUNet net = new MimoUNet(c);
            return assertThrows(IllegalArgumentException.class, () -> net.forward(new Ops(cpu), x, prior)).getMessage();
        }
    }

    private static Tensor image(int n, int h, int w) {
        return Tensor.of(new float[n * 3 * h * w], n, 3, h, w);
    }

    @Test
    void describesItselfFromItsConfig() {
        MimoUNet net = new MimoUNet(SMALL_PRIOR);
        assertSame(SMALL_PRIOR, net.config());
        assertSame(net, net.module());
        assertEquals(Backbone.MIMO_UNET, net.backbone());
        assertEquals(SMALL_PRIOR.displayName(), net.displayName());
        assertTrue(net.takesPrior());
        assertEquals(8, net.latent());
    }

    @Test
    void refusesAMissingPriorAWrongPriorAndAPriorItDoesNotTake() {
        String name = SMALL_PRIOR.displayName();
        String missing = refusal(SMALL_PRIOR, image(1, 8, 8), null);
        assertTrue(missing.startsWith(name) && missing.contains("needs the BlurDM prior [1,8]"), missing);
        String wrongLength = refusal(SMALL_PRIOR, image(1, 8, 8), Tensor.of(new float[16], 1, 16));
        assertTrue(wrongLength.contains("prior must be [1,8], found [1, 16]"), wrongLength);
        String wrongBatch = refusal(SMALL_PRIOR, image(2, 8, 8), Tensor.of(new float[8], 1, 8));
        assertTrue(wrongBatch.contains("prior must be [2,8], found [1, 8]"), wrongBatch);
        String unwanted = refusal(SMALL, image(1, 8, 8), Tensor.of(new float[8], 1, 8));
        assertTrue(unwanted.startsWith(SMALL.displayName()) && unwanted.contains("takes no prior"), unwanted);
    }

    @Test
    void refusesImagesOfTheWrongShape() {
        String sides = refusal(SMALL, image(1, 8, 10), null);
        assertTrue(sides.contains("multiples of " + MimoUNet.SIDE_MULTIPLE) && sides.contains("[1, 3, 8, 10]"), sides);
        String channels = refusal(SMALL, Tensor.of(new float[64], 1, 1, 8, 8), null);
        assertTrue(channels.contains("[N,3,H,W]") && channels.contains("[1, 1, 8, 8]"), channels);
    }
}

package io.github.blurdm.blurdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.backbone.mimo.MimoConfig;
import io.github.blurdm.blurdm.backbone.mimo.MimoUNet;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.layers.Module;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigInferenceTest {
    static Map<String, long[]> shapes(Module m) {
        Map<String, long[]> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> out.put(k, java.util.Arrays.stream(p.shape()).asLongStream().toArray()));
        return out;
    }

    @Test
    void recoversEveryBackboneConfig() {
        for (MimoConfig c : new MimoConfig[] {MimoConfig.PLUS_PRIOR, MimoConfig.PLUS, MimoConfig.BASE,
            new MimoConfig(16, 3, true, 64), new MimoConfig(8, 0, false, 256)}) {
            Map<String, long[]> s = shapes(new MimoUNet(c));
            assertTrue(Backbone.detect(s.keySet()).orElse(null) == Backbone.MIMO_UNET || c.resBlocks() == 0);
            if (c.resBlocks() > 0) {
                MimoConfig got = MimoConfig.infer(s);
                assertEquals(c.withPrior() ? c : new MimoConfig(c.baseChannels(), c.resBlocks(), false, 256), got);
            }
        }
    }

    @Test
    void recoversEveryPriorConfig() {
        for (PriorConfig c : new PriorConfig[] {PriorConfig.PAPER, new PriorConfig(16, 2, 32, 2, 5),
            new PriorConfig(32, 0, 64, 0, 3)}) {
            Map<String, long[]> s = shapes(new LatentExposureDiffusion(c));
            assertTrue(PriorConfig.recognises(s.keySet()));
            assertEquals(c, PriorConfig.infer(s));
        }
    }

    @Test
    void namesWhatIsMissing() {
        Map<String, long[]> s = shapes(new LatentExposureDiffusion(PriorConfig.PAPER));
        assertTrue(Backbone.detect(s.keySet()).isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MimoConfig.infer(s));
        assertTrue(e.getMessage().contains("feat_extract.0.main.0.weight"));
    }
}

package io.github.blurdm.blurdm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.blurdm.blurdm.backbone.mimo.MimoConfig;
import io.github.blurdm.blurdm.backbone.mimo.MimoUNet;
import io.github.blurdm.blurdm.backbone.stripformer.Stripformer;
import io.github.blurdm.blurdm.backbone.stripformer.StripformerConfig;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.layers.Module;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The full-size Java networks produce exactly the state_dict keys and shapes of the design's key
 * manifests (../shared/design/keys/*.tsv, copied into the test resources), and the parameter counts
 * the spec derives.
 */
class KeyManifestTest {

    static Map<String, String> manifest(String name) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                KeyManifestTest.class.getResourceAsStream("/keys/" + name), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                String dims = f[1].replace("(", "").replace(")", "").replace(" ", "");
                if (dims.endsWith(",")) {
                    dims = dims.substring(0, dims.length() - 1);
                }
                out.put(f[0], "[" + dims + "]");
            }
        }
        return out;
    }

    static Map<String, String> keys(Module m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> out.put(k, Arrays.toString(p.shape()).replace(" ", "")));
        return out;
    }

    @Test
    void mimoUNetPlusWithPriorMatchesTheManifest() throws Exception {
        MimoUNet net = new MimoUNet(MimoConfig.PLUS_PRIOR);
        assertEquals(manifest("mimo_unet_plus_prior.tsv"), keys(net));
        assertEquals(16_222_339L, net.parameterCount());
    }

    @Test
    void priorGeneratorMatchesTheManifest() throws Exception {
        LatentExposureDiffusion dm = new LatentExposureDiffusion(PriorConfig.PAPER);
        assertEquals(manifest("latent_exposure_diffusion.tsv"), keys(dm));
        assertEquals(2_067_776L, dm.parameterCount());
    }

    @Test
    void stripformerWithPriorMatchesTheManifestAndTheOriginalReleaseLacksOnlyTheKvLayers() throws Exception {
        Stripformer net = new Stripformer(StripformerConfig.PAPER_PRIOR);
        assertEquals(manifest("stripformer_prior.tsv"), keys(net));
        assertEquals(22_264_515L, net.parameterCount());
        Map<String, String> original = keys(new Stripformer(StripformerConfig.PAPER));
        assertEquals(370, original.size());
        assertEquals(19_708_611L, new Stripformer(StripformerConfig.PAPER).parameterCount());
        Map<String, String> withoutKv = new LinkedHashMap<>(manifest("stripformer_prior.tsv"));
        withoutKv.keySet().removeIf(k -> k.endsWith(".kv.weight"));
        assertEquals(withoutKv, original);
    }
}

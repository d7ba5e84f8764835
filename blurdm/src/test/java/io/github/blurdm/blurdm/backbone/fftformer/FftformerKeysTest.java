package io.github.blurdm.blurdm.backbone.fftformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.layers.StateLoader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FFTformer's names and shapes: the paper's network equals the design's key manifest
 * (keys/fftformer_prior.tsv: 563 tensors with the prior; without the 28 kv layers, the original release's
 * 535) and the spec's parameter counts; the sizes read back from names and shapes are the ones they were
 * made with, for the paper's network and for configurations that differ in every size.
 */
class FftformerKeysTest {

    static Map<String, long[]> manifest() throws Exception {
        Map<String, long[]> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                FftformerKeysTest.class.getResourceAsStream("/keys/fftformer_prior.tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                String[] dims = f[1].replace("(", "").replace(")", "").replace(" ", "").split(",");
                out.put(f[0], Arrays.stream(dims).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray());
            }
        }
        return out;
    }

    static Map<String, String> printable(Map<String, long[]> shapes) {
        Map<String, String> out = new LinkedHashMap<>();
        shapes.forEach((k, v) -> out.put(k, Arrays.toString(v)));
        return out;
    }

    static Map<String, long[]> withoutKv(Map<String, long[]> shapes) {
        Map<String, long[]> out = new LinkedHashMap<>(shapes);
        out.keySet().removeIf(k -> k.endsWith(".kv.weight"));
        return out;
    }

    @Test
    void paperNetworkWithPriorMatchesTheManifest() throws Exception {
        Fftformer net = new Fftformer(FftformerConfig.paper(true));
        assertEquals(printable(manifest()), printable(StateLoader.expectedShapes(net)));
        assertEquals(18_280_794L, net.parameterCount());
    }

    @Test
    void originalReleaseHas535Tensors() throws Exception {
        Fftformer net = new Fftformer(FftformerConfig.paper(false));
        Map<String, long[]> want = withoutKv(manifest());
        assertEquals(535, want.size());
        assertEquals(printable(want), printable(StateLoader.expectedShapes(net)));
        assertEquals(16_560_474L, net.parameterCount());
    }

    @Test
    void paperSizesAreReadFromTheShapes() throws Exception {
        assertEquals(FftformerConfig.paper(true), FftformerConfig.infer(manifest()));
        assertEquals(FftformerConfig.paper(false), FftformerConfig.infer(withoutKv(manifest())));
    }

    @Test
    void everySizeIsReadBack() {
        for (FftformerConfig c : new FftformerConfig[] {
            new FftformerConfig(3, new int[] {1, 2, 1}, new int[] {1, 2, 1}, 2, new int[] {4, 9, 18}, new int[] {15, 31},
                    true, true, 0, true),
            new FftformerConfig(8, new int[] {2, 0, 3}, new int[] {1, 1, 2}, 0, new int[] {24, 48, 96}, new int[] {42, 85},
                    false, false, 32, false),
            new FftformerConfig(16, new int[] {1, 1, 1}, new int[] {1, 1, 1}, 1, new int[] {40, 80, 160},
                    new int[] {85, 170}, true, true, 256, true)}) {
            Map<String, long[]> shapes = StateLoader.expectedShapes(new Fftformer(c));
            assertEquals(c, FftformerConfig.infer(shapes), c.toString());
            assertEquals(c, FftformerConfig.fromJson(c.toJson()), "JSON round trip of " + c);
        }
    }

    @Test
    void notAnFftformerIsNamed() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("Encoder.0.layers.0.main.0.main.0.weight", new long[] {32, 32, 3, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FftformerConfig.infer(shapes));
        assertTrue(e.getMessage().contains("patch_embed.proj.weight"), e.getMessage());
        shapes.put("patch_embed.proj.weight", new long[] {48, 3, 3});
        e = assertThrows(IllegalArgumentException.class, () -> FftformerConfig.infer(shapes));
        assertTrue(e.getMessage().contains("patch_embed.proj.weight") && e.getMessage().contains("[48, 3, 3]"),
                e.getMessage());
    }

    @Test
    void ownsItsModulesOnly() {
        assertTrue(FftformerConfig.owns("decoder_level3.11.attn.kv.weight"));
        assertTrue(FftformerConfig.owns("reduce_chan_level2.weight"));
        assertTrue(!FftformerConfig.owns("Encoder.0.layers.0.main.0.main.0.weight"));
        assertTrue(!FftformerConfig.owns("condition_encoder.E.0.weight"));
    }

}

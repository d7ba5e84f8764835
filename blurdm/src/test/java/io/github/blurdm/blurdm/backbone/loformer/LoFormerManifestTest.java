package io.github.blurdm.blurdm.backbone.loformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * LoFormer-S with the prior, sized from the key manifest's shapes alone (../shared/design/keys/loformer_s_prior.tsv,
 * copied into the test resources), has exactly the manifest's names and shapes and the spec's parameter count;
 * sizes are read, not assumed (a LoFormer-Large-like manifest gives dim 48, [1,2,6]/9/[6,2,2]).
 */
class LoFormerManifestTest {

    static Map<String, long[]> manifest() throws Exception {
        Map<String, long[]> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                LoFormerManifestTest.class.getResourceAsStream("/keys/loformer_s_prior.tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                out.put(f[0], Arrays.stream(f[1].replace("(", "").replace(")", "").split(","))
                        .filter(s -> !s.isBlank()).mapToLong(s -> Long.parseLong(s.trim())).toArray());
            }
        }
        return out;
    }

    @Test
    void loformerSWithPriorMatchesTheManifest() throws Exception {
        Map<String, long[]> want = manifest();
        LoFormerConfig c = LoFormerConfig.infer(want);
        assertEquals(32, c.dim());
        assertArrayEquals(new int[] {1, 2, 3}, c.encBlocks());
        assertEquals(7, c.midBlocks());
        assertArrayEquals(new int[] {3, 2, 2}, c.decBlocks());
        assertArrayEquals(new int[] {1, 2, 4}, c.encHeads());
        assertEquals(8, c.midHeads());
        assertArrayEquals(new int[] {4, 2, 1}, c.decHeads());
        assertEquals(256, c.latent());
        assertTrue(c.displayName().startsWith("LoFormer-S"), c.displayName());
        LoFormer net = new LoFormer(c);
        Map<String, long[]> got = StateLoader.expectedShapes(net);
        assertEquals(want.keySet(), got.keySet());
        want.forEach((k, v) -> assertArrayEquals(v, got.get(k), k));
        assertEquals(17_040_581L, net.parameterCount());
        Map<String, long[]> named = StateLoader.expectedShapes(new LoFormer(LoFormerConfig.S_PRIOR));
        assertEquals(want.keySet(), named.keySet());
        want.forEach((k, v) -> assertArrayEquals(v, named.get(k), "S_PRIOR " + k));
    }

    @Test
    void sizesAreReadNotAssumed() throws Exception {
        LoFormerConfig large = new LoFormerConfig(48, new int[] {1, 2, 6}, 9, new int[] {6, 2, 2}, new int[] {1, 2, 4},
                8, new int[] {4, 2, 1}, new int[] {127, 255, 510}, 1021, new int[] {510, 255, 255}, 0);
        LoFormerConfig back = LoFormerConfig.infer(StateLoader.expectedShapes(new LoFormer(large)));
        assertEquals(large.displayName(), back.displayName());
        assertArrayEquals(large.decHidden(), back.decHidden());
        assertEquals(0, back.latent());
        assertTrue(back.displayName().startsWith("LoFormer-Large"), back.displayName());
    }

    @Test
    void aMissingNameIsNamed() throws Exception {
        Map<String, long[]> m = manifest();
        m.remove("middle_blks.0.trans1.attn.0.temperature");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoFormerConfig.infer(m));
        assertTrue(e.getMessage().contains("middle_blks.0.trans1.attn.0.temperature"), e.getMessage());
    }
}

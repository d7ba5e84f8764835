package io.github.blurdm.blurdm.backbone.loformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.pipeline.Quantisation;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.weights.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * LoFormer's tiled inference against the clean-room PyTorch reference (make_loformer_fixtures.py): a BlurDM
 * training checkpoint (LoFormer with the prior, model_state + model_dm_state) and an original-release file
 * ({'params': ...}, no prior) on multi-tile and one-tile images, tiles of 40 and of the official 384, sides above
 * and below 384 and not multiples of 8 (padded where the official code cannot run them), both merges. Checks each
 * tile's prior (rel-L2 <= 1e-4), the output before clamping (rel-L2 <= 1e-4) and the 8-bit image (within one
 * level) with each origin's quantisation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoFormerParityTest {
    private Backend cpu;
    private LoFormerModel withPrior;
    private LoFormerModel plain;

    static Path fixture(String name) throws Exception {
        return Path.of(LoFormerParityTest.class.getResource("/fixtures/loformer_small/" + name).toURI());
    }

    @BeforeAll
    void load() throws Exception {
        cpu = new CpuBackend(2, true);
        withPrior = LoFormerModel.load(fixture("blurdm_stage3.pth"), cpu);
        plain = LoFormerModel.load(fixture("original_release.pth"), cpu);
    }

    @AfterAll
    void close() {
        cpu.close();
    }

    @TestFactory
    Stream<DynamicTest> tiledInferenceMatchesTheReference() throws Exception {
        JsonNode cases;
        try (SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            cases = new ObjectMapper().readTree(f.metadata().get("cases"));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            String id = c.get("id").asText();
            String name = id + ": " + c.get("model").asText() + " " + c.get("height").asInt() + "x"
                    + c.get("width").asInt() + ", tile " + c.get("tile").asInt() + ", " + c.get("tiles").asInt()
                    + " tiles, " + c.get("merge").asText() + " merge, " + c.get("quantise").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> check(c, name)));
        }
        return tests.stream();
    }

    private void check(JsonNode c, String name) throws Exception {
        String id = c.get("id").asText();
        boolean prior = c.get("model").asText().equals("prior");
        LoFormerModel m = prior ? withPrior : plain;
        LoFormerInference inf = new LoFormerInference(m.net(), m.prior(), c.get("tile").asInt(), LoFormerTiling.OVERLAP,
                c.get("merge").asText().equals("seamless") ? LoFormerTiling.Merge.SEAMLESS
                        : LoFormerTiling.Merge.OFFICIAL);
        try (SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            Tensor image = tensor(f, id + "/image");   // H,W,3 levels
            int h = image.dim(0);
            int w = image.dim(1);
            float[] chw = new float[3 * h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < 3; ch++) {
                        chw[(ch * h + y) * w + x] = image.data()[(y * w + x) * 3 + ch] / 255f;
                    }
                }
            }
            assertEquals(c.get("tiles").asInt(), inf.tiling(h, w).count(), name + ": tile count");
            List<float[]> priors = new ArrayList<>();
            LatentExposureDiffusion.Noise noise = prior ? LatentExposureDiffusion.Noise.of(tensor(f, id + "/noise"))
                    : null;
            Tensor out = inf.run(cpu, Tensor.of(chw, 1, 3, h, w), noise, (n, p) -> priors.add(p.data()));
            if (prior) {
                float[] want = tensor(f, id + "/prior").data();
                float[] got = new float[want.length];
                int latent = want.length / priors.size();
                for (int n = 0; n < priors.size(); n++) {
                    System.arraycopy(priors.get(n), 0, got, n * latent, latent);
                }
                double e = relL2(got, want);
                System.out.printf("LoFormerParityTest %s: prior rel-L2 %.2e%n", id, e);
                assertTrue(e <= 1e-4, name + ": prior rel-L2 " + e);
            }
            double e = relL2(out.data(), tensor(f, id + "/out").data());
            Quantisation q = c.get("quantise").asText().equals("img_as_ubyte") ? Quantisation.ROUND_HALF_EVEN
                    : Quantisation.SAVE_IMAGE;
            float[] want = tensor(f, id + "/result").data();
            int differ = 0;
            int worst = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < 3; ch++) {
                        float v = Math.min(1f, Math.max(0f, out.data()[(ch * h + y) * w + x]));
                        int d = Math.abs(q.level(v) - (int) want[(y * w + x) * 3 + ch]);
                        worst = Math.max(worst, d);
                        differ += d != 0 ? 1 : 0;
                    }
                }
            }
            System.out.printf("LoFormerParityTest %s: out rel-L2 %.2e, 8-bit max diff %d, %d of %d values differ%n",
                    id, e, worst, differ, want.length);
            assertTrue(e <= 1e-4, name + ": out rel-L2 " + e);
            assertTrue(worst <= 1, name + ": 8-bit values differ by " + worst);
        }
    }

    static Tensor tensor(SafetensorsFile f, String key) throws Exception {
        var t = f.get(key);
        return Tensor.of(t.toFloats(), t.intShape());
    }

    static double relL2(float[] got, float[] want) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < want.length; i++) {
            if (!Float.isFinite(got[i])) {
                return Double.NaN;
            }
            double d = got[i] - (double) want[i];
            num += d * d;
            den += want[i] * (double) want[i];
        }
        return Math.sqrt(num / den);
    }
}

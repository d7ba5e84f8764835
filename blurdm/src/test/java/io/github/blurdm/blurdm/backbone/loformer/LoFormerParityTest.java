package io.github.blurdm.blurdm.backbone.loformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.BlurdmModel;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.pipeline.PerTilePrior;
import io.github.blurdm.blurdm.pipeline.TileMerge;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Ops;
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
    private BlurdmModel withPrior;
    private BlurdmModel plain;

    static Path fixture(String name) throws Exception {
        return Path.of(LoFormerParityTest.class.getResource("/fixtures/loformer_small/" + name).toURI());
    }

    @BeforeAll
    void load() throws Exception {
        cpu = new CpuBackend(2, true);
        withPrior = BlurdmModel.load(fixture("blurdm_stage3.pth"), cpu);
        plain = BlurdmModel.load(fixture("original_release.pth"), cpu);
        assertEquals(Origin.BLURDM, withPrior.conventions().origin(), withPrior.conventions().describe());
        assertEquals(Origin.ORIGINAL_RELEASE, plain.conventions().origin(), plain.conventions().describe());
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
        BlurdmModel m = prior ? withPrior : plain;
        TileMerge merge = c.get("merge").asText().equals("seamless") ? TileMerge.SEAMLESS : TileMerge.OFFICIAL;
        int tile = c.get("tile").asInt();
        try (SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            Tensor image = tensor(f, id + "/image");   // H,W,3 levels
            int h = image.dim(0);
            int w = image.dim(1);
            List<Tensor> priors = new ArrayList<>();
            LatentExposureDiffusion.Noise noise = prior ? LatentExposureDiffusion.Noise.of(tensor(f, id + "/noise"))
                    : null;
            Ops ops = new Ops(cpu);
            Tensor out = PerTilePrior.output(ops, m.backbone(), m.prior(), m.conventions().conventions(), image,
                    noise, tile, merge, priors::add, DeblurPipeline.Progress.NONE);
            if (prior) {
                assertEquals(1, priors.size(), name + ": one call with every tile's prior");
                assertEquals(c.get("tiles").asInt(), priors.get(0).dim(0), name + ": one prior per tile");
                double e = relL2(priors.get(0).data(), tensor(f, id + "/prior").data());
                System.out.printf("LoFormerParityTest %s: prior rel-L2 %.2e%n", id, e);
                assertTrue(e <= 1e-4, name + ": prior rel-L2 " + e);
            }
            Tensor q = DeblurPipeline.deblur(ops, m.backbone(), m.prior(), m.conventions().conventions(), image,
                    noise, tile, 0, merge, null, DeblurPipeline.Progress.NONE);
            double e = relL2(out.data(), tensor(f, id + "/out").data());
            float[] want = tensor(f, id + "/result").data();
            int differ = 0;
            int worst = 0;
            for (int i = 0; i < want.length; i++) {
                int d = (int) Math.abs(q.data()[i] - want[i]);
                worst = Math.max(worst, d);
                differ += d != 0 ? 1 : 0;
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

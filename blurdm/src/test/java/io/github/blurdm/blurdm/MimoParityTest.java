package io.github.blurdm.blurdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.backbone.mimo.MimoUNet;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.weights.SafetensorsFile;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole model against the PyTorch reference (weights/reference/make_model_fixtures.py): a reduced
 * MIMO-UNet with the BlurDM prior, seeded weights, a given noise vector, two odd image sizes. Prior
 * latents must match to rel-L2 1e-5, the backbone output to 1e-4, the quantised image to one level.
 */
class MimoParityTest {
    static Path fixture(String name) throws URISyntaxException {
        return Path.of(MimoParityTest.class.getResource("/fixtures/mimo_small/" + name).toURI());
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

    @TestFactory
    Stream<DynamicTest> matchesTheReference() throws Exception {
        Path cases = fixture("cases.safetensors");
        JsonNode list;
        try (SafetensorsFile f = SafetensorsFile.open(cases)) {
            list = new ObjectMapper().readTree(f.metadata().get("cases"));
        }
        Stream.Builder<DynamicTest> tests = Stream.builder();
        for (JsonNode c : list) {
            for (boolean vector : new boolean[] {true, false}) {
                String id = c.get("id").asText();
                tests.add(DynamicTest.dynamicTest("MIMO_BLURDM(" + id + "=" + c.get("width") + "x" + c.get("height")
                        + ",v=" + (vector ? "cpu-vector" : "cpu-scalar") + ")", () -> check(cases, id, vector)));
            }
        }
        return tests.build();
    }

    private void check(Path cases, String id, boolean vector) throws Exception {
        try (CpuBackend cpu = new CpuBackend(2, vector); SafetensorsFile f = SafetensorsFile.open(cases)) {
            BlurdmModel model = BlurdmModel.load(fixture("model.safetensors"), cpu);
            Ops ops = new Ops(cpu);
            Tensor x = tensor(f, id + "/x");
            Tensor noise = tensor(f, id + "/noise");
            Map<String, Tensor> trace = new HashMap<>();
            Tensor prior = model.prior().sample(ops, x, LatentExposureDiffusion.Noise.of(noise), trace::put);
            for (String k : new String[] {"z_b", "z_0"}) {
                double e = relL2(trace.get(k).data(), tensor(f, id + "/" + k).data());
                assertTrue(e <= 1e-5, id + " prior " + k + ": rel-L2 " + e + " > 1e-5");
            }
            Tensor out = ((MimoUNet) model.backbone()).forward(ops, x, prior, trace::put);
            for (String k : new String[] {"decoder0", "decoder1", "decoder2"}) {
                double e = relL2(trace.get(k).data(), tensor(f, id + "/" + k).data());
                assertTrue(e <= 1e-4, id + " " + k + ": rel-L2 " + e + " > 1e-4");
            }
            double e = relL2(out.data(), tensor(f, id + "/out1").data());
            assertTrue(e <= 1e-4, id + " out1: rel-L2 " + e + " > 1e-4");

            Tensor result = DeblurPipeline.deblur(ops, model.backbone(), model.prior(), model.conventions().conventions(),
                    tensor(f, id + "/image"),
                    LatentExposureDiffusion.Noise.of(noise));
            assertWithinOneLevel(id, result.data(), tensor(f, id + "/result").data());
        }
    }

    /** 8-bit results: every value within one level of the reference, at most 1 in 1000 off by one. */
    static void assertWithinOneLevel(String id, float[] got, float[] want) {
        assertEquals(want.length, got.length, id + ": result size");
        int off = 0;
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(got[i] - want[i]) <= 1, id + " pixel " + i + ": " + got[i] + " vs " + want[i]);
            off += got[i] != want[i] ? 1 : 0;
        }
        assertTrue(off <= want.length / 1000, id + ": " + off + " of " + want.length + " 8-bit values differ by one");
    }

    static Tensor tensor(SafetensorsFile f, String key) throws Exception {
        var t = f.get(key);
        return Tensor.of(t.toFloats(), t.intShape());
    }
}

package io.github.blurdm.blurdm.backbone.stripformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.BlurdmModel;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.pipeline.Conventions;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion.Noise;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.TensorData;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Stripformer against the clean-room PyTorch reference (weights/reference/make_stripformer_fixtures.py): a
 * small Stripformer with seeded weights, loaded from a BlurDM stage-3 checkpoint (with the prior) and from the
 * original release's layout (bare DataParallel state dict, storages on cuda:0, no prior), on sizes that are not
 * multiples of 32, on both CPU paths. Prior rel-L2 <= 1e-5, the network's output <= 1e-4, the 8-bit image
 * within one level.
 */
class StripformerParityTest {
    static Path fixture(String name) throws Exception {
        return Path.of(StripformerParityTest.class.getResource("/fixtures/stripformer/" + name).toURI());
    }

    static Tensor tensor(SafetensorsFile f, String key) throws Exception {
        TensorData t = f.get(key);
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

    @TestFactory
    Stream<DynamicTest> matchesTheReference() throws Exception {
        JsonNode list;
        try (SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            list = new ObjectMapper().readTree(f.metadata().get("cases"));
        }
        Stream.Builder<DynamicTest> tests = Stream.builder();
        for (JsonNode c : list) {
            for (boolean vector : new boolean[] {true, false}) {
                String id = c.get("id").asText();
                String origin = c.get("origin").asText();
                tests.add(DynamicTest.dynamicTest("STRIPFORMER_" + origin.toUpperCase() + "(" + id + "=" + c.get("width")
                        + "x" + c.get("height") + ",v=" + (vector ? "cpu-vector" : "cpu-scalar") + ")",
                        () -> check(id, origin.equals("blurdm"), vector)));
            }
        }
        return tests.build();
    }

    private static void check(String id, boolean blurdm, boolean vector) throws Exception {
        try (CpuBackend cpu = new CpuBackend(2, vector);
             SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            BlurdmModel m = BlurdmModel.load(fixture(blurdm ? "blurdm_stage3.pth" : "Stripformer_small.pth"), cpu);
            assertEquals(Backbone.STRIPFORMER, m.backbone().backbone());
            assertEquals(blurdm ? Origin.BLURDM : Origin.ORIGINAL_RELEASE, m.conventions().origin());
            Conventions conv = m.conventions().conventions();
            assertEquals(blurdm ? 32 : 8, conv.padMultiple());
            Ops ops = new Ops(cpu);
            Tensor image = tensor(f, id + "/image");
            int h = image.dim(0);
            int w = image.dim(1);
            Tensor xp = conv.pad(conv.normalise(image));
            Tensor prior = null;
            Noise noise = null;
            if (blurdm) {
                noise = Noise.of(tensor(f, id + "/noise"));
                prior = m.prior().sample(ops, xp, noise, null);
                double ep = relL2(prior.data(), tensor(f, id + "/prior").data());
                System.out.printf("StripformerParityTest %s %s: prior rel-L2 %.2e%n", id, vector ? "vector" : "scalar", ep);
                assertTrue(ep <= 1e-5, "prior rel-L2 " + ep);
            }
            Tensor out = m.backbone().forward(ops, xp, prior);
            float[] cropped = new float[3 * h * w];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(out.data(), (c * out.dim(2) + y) * out.dim(3), cropped, (c * h + y) * w, w);
                }
            }
            double eo = relL2(cropped, tensor(f, id + "/out").data());
            float[] got = DeblurPipeline.deblur(ops, m.backbone(), m.prior(), conv, image, noise).data();
            float[] want = tensor(f, id + "/result").data();
            int maxDiff = 0;
            int differ = 0;
            for (int i = 0; i < want.length; i++) {
                int d = (int) Math.abs(got[i] - want[i]);
                maxDiff = Math.max(maxDiff, d);
                differ += d > 0 ? 1 : 0;
            }
            System.out.printf("StripformerParityTest %s %s: out rel-L2 %.2e, 8-bit max diff %d (%d of %d values)%n",
                    id, vector ? "vector" : "scalar", eo, maxDiff, differ, want.length);
            assertTrue(eo <= 1e-4, "out rel-L2 " + eo);
            assertTrue(maxDiff <= 1, "8-bit max diff " + maxDiff);
        }
    }

    @Test
    void theReleaseLayoutIsReadAsTheOriginalStripformer() throws Exception {
        try (CpuBackend cpu = new CpuBackend(1, false)) {
            BlurdmModel m = BlurdmModel.load(fixture("Stripformer_small.pth"), cpu);
            assertTrue(m.prior() == null);
            assertEquals("Stripformer (channels 4/8/32/16, 2+2 blocks)", m.backbone().displayName());
            assertTrue(m.conventions().reason().contains("a bare state dict, no prior keys"), m.conventions().reason());
            BlurdmModel b = BlurdmModel.load(fixture("blurdm_stage3.pth"), cpu);
            assertEquals("Stripformer (channels 4/8/32/16, 2+2 blocks) with the BlurDM prior", b.backbone().displayName());
            assertEquals(new StripformerConfig(4, 8, 32, 16, 2, 2, 32, 16, true, 16),
                    ((Stripformer) b.backbone()).config());
        }
    }
}

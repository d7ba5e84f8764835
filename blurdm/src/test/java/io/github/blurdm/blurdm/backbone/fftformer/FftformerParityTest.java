package io.github.blurdm.blurdm.backbone.fftformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.pipeline.Conventions;
import io.github.blurdm.blurdm.pipeline.Quantisation;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.layers.StateLoader;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.StateDict;
import io.github.blurdm.weights.TorchCheckpoint;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * FFTformer at model level against the clean-room PyTorch reference (weights/reference/
 * make_fftformer_fixtures.py): a reduced network with the BlurDM prior read from a BlurDM stage-3 checkpoint
 * ('module.' prefixed model_state, model_dm_state), a reduced one without the prior read from a bare state
 * dict as the original release is saved, both on sides that are not multiples of 32, and the default sizes
 * (dim 48, [6, 6, 12], 4 refinement blocks, the paper's prior) with generated weights. The images go through
 * the conventions both official scripts use (v/255, reflect pad to 32, clamp [0, 1], +0.5/255, x255
 * truncated). Prior rel-L2 <= 1e-5, network output <= 1e-4, 8-bit output within one level.
 */
class FftformerParityTest {
    static final Conventions FFTFORMER = new Conventions(0f, Fftformer.SIDE_MULTIPLE, 0f, 1f,
            Quantisation.TRUNCATE_AFTER_HALF_LEVEL);

    static Path fixture(String name) throws Exception {
        return Path.of(FftformerParityTest.class.getResource("/fixtures/fftformer/" + name).toURI());
    }

    static double relL2(float[] got, float[] want) {
        assertEquals(want.length, got.length, "sizes");
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

    static Tensor tensor(SafetensorsFile f, String key) throws Exception {
        var t = f.get(key);
        return Tensor.of(t.toFloats(), t.intShape());
    }

    /** A network and, when it takes one, its prior generator, loaded on a backend. */
    record Loaded(Fftformer net, LatentExposureDiffusion dm) {
    }

    static Loaded loadStage3(Backend b) throws Exception {
        try (TorchCheckpoint ck = TorchCheckpoint.open(fixture("blurdm_stage3.pth"))) {
            StateDict sd = ck.stateDict("model_state").stripPrefix("module.");
            StateDict dmSd = ck.stateDict("model_dm_state");
            Fftformer net = new Fftformer(FftformerConfig.infer(sd.shapes()));
            StateLoader.load(net, sd, b);
            LatentExposureDiffusion dm = new LatentExposureDiffusion(PriorConfig.infer(dmSd.shapes()));
            StateLoader.load(dm, dmSd, b);
            return new Loaded(net, dm);
        }
    }

    static Loaded loadOriginal(Backend b) throws Exception {
        try (TorchCheckpoint ck = TorchCheckpoint.open(fixture("original.pth"))) {
            StateDict sd = ck.stateDict("");
            Fftformer net = new Fftformer(FftformerConfig.infer(sd.shapes()));
            StateLoader.load(net, sd, b);
            return new Loaded(net, null);
        }
    }

    @Test
    void reducedSizesAreReadFromTheFiles() throws Exception {
        try (CpuBackend b = new CpuBackend(1, false)) {
            FftformerConfig prior = loadStage3(b).net().config();
            assertEquals(new FftformerConfig(3, new int[] {1, 1, 1}, new int[] {1, 1, 1}, 1, new int[] {3, 6, 12},
                    new int[] {15, 31}, false, true, 8, true), prior);
            FftformerConfig original = loadOriginal(b).net().config();
            assertEquals(new FftformerConfig(3, new int[] {1, 1, 1}, new int[] {1, 1, 1}, 2, new int[] {4, 9, 18},
                    new int[] {15, 31}, true, true, 0, true), original);
        }
    }

    @TestFactory
    Stream<DynamicTest> reducedNetworksMatchTheReference() throws Exception {
        JsonNode meta;
        try (SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            meta = new ObjectMapper().readTree(f.metadata().get("cases"));
        }
        Stream.Builder<DynamicTest> tests = Stream.builder();
        for (JsonNode c : meta.get("cases")) {
            String model = c.get("model").asText();
            if (!model.equals("prior") && !model.equals("original")) {
                continue;
            }
            for (boolean vector : new boolean[] {true, false}) {
                String id = model + "/" + c.get("id").asText();
                tests.add(DynamicTest.dynamicTest("FFTFORMER(" + id + "=" + c.get("height") + "x" + c.get("width")
                        + ",v=" + (vector ? "cpu-vector" : "cpu-scalar") + ")", () -> {
                            try (CpuBackend b = new CpuBackend(2, vector)) {
                                check(b, model.equals("prior") ? loadStage3(b) : loadOriginal(b), id, 1e-4);
                            }
                        }));
            }
        }
        return tests.build();
    }

    /** Default sizes with generated weights, with the paper's prior and without (the original release's network). */
    @TestFactory
    Stream<DynamicTest> defaultSizesMatchTheReference() {
        return Stream.of(true, false).map(withPrior -> DynamicTest.dynamicTest("FFTFORMER(default "
                + (withPrior ? "with" : "without") + " prior, 24x40,v=cpu-vector)", () -> {
                    try (CpuBackend b = new CpuBackend(2, true)) {
                        Fftformer net = new Fftformer(FftformerConfig.paper(withPrior));
                        GeneratedWeights.fill(net, b);
                        LatentExposureDiffusion dm = null;
                        if (withPrior) {
                            dm = new LatentExposureDiffusion(PriorConfig.PAPER);
                            GeneratedWeights.fill(dm, b);
                            setSchedule(dm, b);
                        }
                        check(b, new Loaded(net, dm), (withPrior ? "default" : "default_original") + "/d0", 1e-4);
                    }
                }));
    }

    /**
     * DFFN a slice of hidden channels at a time (as full-resolution maps of large images run) gives the
     * reference's result too: the slice size forced to its floor of 8 channel pairs, the reduced original
     * network (hidden widths under 8: one slice, the unsliced path) and the default sizes without the prior
     * (every DFFN sliced, fuse1's 255 leaving a remainder slice).
     */
    @Test
    void slicedDffnMatchesTheReference() throws Exception {
        long saved = FftformerBlocks.sliceBytes;
        FftformerBlocks.sliceBytes = 1;
        try (CpuBackend b = new CpuBackend(2, true)) {
            // level 1's DFFN: 144 hidden channels in 18 slices of 8; fuse1's 255 in 31 of 8 and one of 7
            assertEquals(8, FftformerBlocks.chunkChannels(144, 32 * 64));
            assertEquals(8, FftformerBlocks.chunkChannels(255, 32 * 64));
            check(b, loadOriginal(b), "original/c0", 1e-4);
            Fftformer net = new Fftformer(FftformerConfig.paper(false));
            GeneratedWeights.fill(net, b);
            check(b, new Loaded(net, null), "default_original/d0", 1e-4);
        } finally {
            FftformerBlocks.sliceBytes = saved;
        }
    }

    /** The schedule buffers as the spec (section 2.2) gives them for T = 5, bit for bit. */
    static void setSchedule(LatentExposureDiffusion dm, Backend b) {
        var p = dm.namedParameters();
        p.get("alphas").set(b.upload(Tensor.of(new float[] {1.0f, 1.2f, 1.4f, 1.6f, 1.8f, 2.0f}, 6)));
        p.get("betas_bar").set(b.upload(Tensor.of(new float[] {0f, Float.intBitsToFloat(0x3d78414f),
            Float.intBitsToFloat(0x3dd18b87), Float.intBitsToFloat(0x3e114302), Float.intBitsToFloat(0x3e389aae)}, 5)));
        p.get("time_stamps_list").set(b.upload(Tensor.of(new float[] {5, 4, 3, 2, 1}, 5)));
    }

    private static void check(Backend b, Loaded m, String id, double tol) throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            Ops ops = new Ops(b);
            Tensor image = tensor(f, id + "/image");
            int h = image.dim(0);
            int w = image.dim(1);
            Tensor x = b.upload(FFTFORMER.pad(FFTFORMER.normalise(image)));
            Tensor prior = null;
            if (m.dm() != null) {
                Tensor noise = tensor(f, id + "/noise");
                prior = m.dm().sample(ops, x, LatentExposureDiffusion.Noise.of(b.upload(noise)), null);
                double e = relL2(b.download(prior).data(), tensor(f, id + "/prior").data());
                assertTrue(e <= 1e-5, id + " prior: rel-L2 " + e + " > 1e-5");
            }
            Map<String, Tensor> trace = new HashMap<>();
            Tensor out = b.download(m.net().forward(ops, x, prior, trace::put));
            if (f.keys().contains(id + "/dec3")) {
                double e = relL2(trace.get("dec3").data(), tensor(f, id + "/dec3").data());
                assertTrue(e <= tol, id + " dec3: rel-L2 " + e + " > " + tol);
            }
            float[] got = crop(out, h, w);
            float[] want = tensor(f, id + "/out_crop").data();
            double e = relL2(got, want);
            // the residual (output minus input) too: the input image the network adds would hide its own part
            float[] in = FFTFORMER.normalise(image).data();
            for (int i = 0; i < in.length; i++) {
                got[i] -= in[i];
                want[i] -= in[i];
            }
            double er = relL2(got, want);
            System.out.printf("PARITY %s out rel-L2 %.3e, residual %.3e%n", id, e, er);
            assertTrue(e <= tol, id + " out: rel-L2 " + e + " > " + tol);
            assertTrue(er <= tol, id + " residual: rel-L2 " + er + " > " + tol);
            assertWithinOneLevel(id, FFTFORMER.quantise(out, h, w).data(), tensor(f, id + "/result").data());
        }
    }

    static float[] crop(Tensor out, int h, int w) {
        float[] o = out.data();
        int hp = out.dim(2);
        int wp = out.dim(3);
        float[] c = new float[3 * h * w];
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(o, (ch * hp + y) * wp, c, (ch * h + y) * w, w);
            }
        }
        return c;
    }

    /** 8-bit results: every value within one level of the reference, at most 1 in 1000 off by one. */
    static void assertWithinOneLevel(String id, float[] got, float[] want) {
        assertEquals(want.length, got.length, id + ": result size");
        int off = 0;
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(got[i] - want[i]) <= 1, id + " value " + i + ": " + got[i] + " vs " + want[i]);
            off += got[i] != want[i] ? 1 : 0;
        }
        System.out.printf("PARITY %s 8-bit: %d of %d values differ by one%n", id, off, want.length);
        assertTrue(off <= Math.max(1, want.length / 1000), id + ": " + off + " of " + want.length
                + " 8-bit values differ by one");
    }
}

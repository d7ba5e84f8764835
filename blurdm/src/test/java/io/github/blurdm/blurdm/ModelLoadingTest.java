package io.github.blurdm.blurdm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.backbone.mimo.MimoUNet;
import io.github.blurdm.runtime.PhiloxNoise;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion.Noise;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.SafetensorsWriter;
import io.github.blurdm.weights.TensorData;
import io.github.blurdm.weights.WeightsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict loading reports every problem at once; batches and odd sizes run; NaN weights are refused. */
class ModelLoadingTest {
    @TempDir
    Path dir;

    private static Path model() throws Exception {
        return Path.of(ModelLoadingTest.class.getResource("/fixtures/mimo_small/model.safetensors").toURI());
    }

    /** Rewrites the fixture model with edits: null value removes a key. */
    private Path edited(Map<String, TensorData> edits, Map<String, String> metadataEdits) throws Exception {
        List<TensorData> out = new ArrayList<>();
        Map<String, String> meta;
        try (SafetensorsFile f = SafetensorsFile.open(model())) {
            meta = new HashMap<>(f.metadata());
            for (String k : f.keys()) {
                if (edits.containsKey(k)) {
                    if (edits.get(k) != null) {
                        out.add(edits.get(k));
                    }
                } else {
                    TensorData t = f.get(k);
                    out.add(new TensorData(k, t.dtype(), t.shape(), copy(t.bytes())));
                }
            }
        }
        for (Map.Entry<String, TensorData> e : edits.entrySet()) {
            if (e.getValue() != null && out.stream().noneMatch(t -> t.name().equals(e.getKey()))) {
                out.add(e.getValue());
            }
        }
        meta.putAll(metadataEdits);
        Path p = dir.resolve("edited.safetensors");
        SafetensorsWriter.write(p, out, meta, true);
        return p;
    }

    private static java.nio.ByteBuffer copy(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer c = java.nio.ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }

    @Test
    void everyMismatchIsReportedInOneError() throws Exception {
        Map<String, TensorData> edits = new HashMap<>();
        edits.put("backbone.Encoder.0.layers.0.main.0.main.0.bias", null);
        edits.put("backbone.feat_extract.0.main.0.weight", TensorData.ofFloats("backbone.feat_extract.0.main.0.weight",
                new float[8 * 3 * 5 * 5], 8, 3, 5, 5));
        edits.put("backbone.extra.weight", TensorData.ofFloats("backbone.extra.weight", new float[] {1f}, 1));
        float[] nan = new float[8];
        nan[3] = Float.NaN;
        edits.put("backbone.feat_extract.0.main.0.bias", TensorData.ofFloats("backbone.feat_extract.0.main.0.bias",
                nan, 8));
        Path p = edited(edits, Map.of());
        try (CpuBackend cpu = new CpuBackend(1, false)) {
            WeightsException e = assertThrows(WeightsException.class, () -> BlurdmModel.load(p, cpu));
            String m = e.getMessage();
            assertTrue(m.contains("edited.safetensors"), m);
            assertTrue(m.contains("Encoder.0.layers.0.main.0.main.0.bias: missing, expected [8]"), m);
            assertTrue(m.contains("feat_extract.0.main.0.weight: expected [8,3,3,3], found [8,3,5,5]"), m);
            assertTrue(m.contains("extra.weight: unexpected [1]"), m);
            assertTrue(m.contains("feat_extract.0.main.0.bias: element 3 is NaN"), m);
        }
    }

    @Test
    void aConfigForAnotherSizeListsTheMismatchedKeys() throws Exception {
        String cfg = "{\"backbone\":{\"base_channels\":8,\"res_blocks\":3,\"with_prior\":true,\"latent\":32},"
                + "\"prior\":{\"encoder_features\":16,\"encoder_res_blocks\":2,\"latent\":32,\"denoiser_blocks\":2,\"steps\":5}}";
        Path p = edited(Map.of(), Map.of("config", cfg));
        try (CpuBackend cpu = new CpuBackend(1, false)) {
            WeightsException e = assertThrows(WeightsException.class, () -> BlurdmModel.load(p, cpu));
            assertTrue(e.getMessage().contains("Encoder.0.layers.2.main.0.main.0.weight: missing"), e.getMessage());
            assertTrue(e.getMessage().contains("Decoder.2.layers.2.main.1.main.0.bias: missing"), e.getMessage());
        }
    }

    @Test
    void aBatchOfTwoEqualsTwoSingleImages() throws Exception {
        try (CpuBackend cpu = new CpuBackend(2, true)) {
            BlurdmModel m = BlurdmModel.load(model(), cpu);
            Ops ops = new Ops(cpu);
            java.util.Random r = new java.util.Random(5);
            int h = 24;
            int w = 40;
            float[] a = new float[3 * h * w];
            float[] b = new float[3 * h * w];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextFloat() - 0.5f;
                b[i] = r.nextFloat() - 0.5f;
            }
            float[] both = new float[2 * a.length];
            System.arraycopy(a, 0, both, 0, a.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            Tensor x2 = Tensor.of(both, 2, 3, h, w);
            Tensor y2 = m.backbone().forward(ops, x2, m.prior().sample(ops, x2, Noise.philox(1, 7), null));
            Tensor xa = Tensor.of(a, 1, 3, h, w);
            Tensor ya = m.backbone().forward(ops, xa, m.prior().sample(ops, xa, Noise.philox(1, 7), null));
            Tensor xb = Tensor.of(b, 1, 3, h, w);
            Tensor nb = Tensor.of(PhiloxNoise.gaussian(1, 8, 32), 1, 32);
            Tensor yb = m.backbone().forward(ops, xb, m.prior().sample(ops, xb, Noise.of(nb), null));
            float[] y = y2.data();
            float[] first = java.util.Arrays.copyOfRange(y, 0, a.length);
            float[] second = java.util.Arrays.copyOfRange(y, a.length, 2 * a.length);
            assertTrue(MimoParityTest.relL2(first, ya.toArray()) < 1e-6);
            assertTrue(MimoParityTest.relL2(second, yb.toArray()) < 1e-6);
        }
    }

    @Test
    void inputsThatAreNotMultiplesOfEightAreRefusedByTheBackbone() throws Exception {
        try (CpuBackend cpu = new CpuBackend(1, false)) {
            BlurdmModel m = BlurdmModel.load(model(), cpu);
            Ops ops = new Ops(cpu);
            Tensor x = Tensor.of(new float[3 * 20 * 30], 1, 3, 20, 30);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.backbone().forward(ops, x, Tensor.of(new float[32], 1, 32)));
            assertTrue(e.getMessage().contains("multiples of 4") && e.getMessage().contains("[1, 3, 20, 30]"), e.getMessage());
            IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                    () -> m.prior().sample(ops, Tensor.of(new float[3 * 24 * 24], 1, 3, 24, 24),
                            Noise.of(Tensor.of(new float[16], 1, 16)), null));
            assertTrue(n.getMessage().contains("[1,32]"), n.getMessage());
        }
    }

    /** The official training code's stage-3 checkpoint (module.-prefixed model_state + model_dm_state). */
    @Test
    void anOfficialCheckpointLoadsWithInferredSizesAndGivesTheSameOutput() throws Exception {
        Path pth = Path.of(ModelLoadingTest.class.getResource("/fixtures/mimo_small/official_stage3.pth").toURI());
        try (CpuBackend cpu = new CpuBackend(2, true)) {
            BlurdmModel official = BlurdmModel.load(pth, cpu);
            BlurdmModel ours = BlurdmModel.load(model(), cpu);
            assertTrue(((MimoUNet) official.backbone()).config().equals(((MimoUNet) ours.backbone()).config()),
                    "" + ((MimoUNet) official.backbone()).config());
            assertTrue(official.prior().config().equals(ours.prior().config()), "" + official.prior().config());
            Ops ops = new Ops(cpu);
            float[] d = new float[3 * 16 * 24];
            java.util.Random r = new java.util.Random(3);
            for (int i = 0; i < d.length; i++) {
                d[i] = r.nextFloat() - 0.5f;
            }
            Tensor x = Tensor.of(d, 1, 3, 16, 24);
            Tensor a = official.backbone().forward(ops, x, official.prior().sample(ops, x, Noise.philox(9, 0), null));
            Tensor b = ours.backbone().forward(ops, x, ours.prior().sample(ops, x, Noise.philox(9, 0), null));
            org.junit.jupiter.api.Assertions.assertArrayEquals(b.data(), a.data());
        }
    }

    @Test
    void aBackboneWithoutItsPriorSaysSo() throws Exception {
        Map<String, TensorData> edits = new HashMap<>();
        Path p = edited(edits, Map.of());
        // a safetensors holding only the backbone keys: no architecture metadata, plain names
        List<TensorData> backboneOnly = new ArrayList<>();
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            for (String k : f.keys()) {
                if (k.startsWith("backbone.")) {
                    TensorData t = f.get(k);
                    backboneOnly.add(new TensorData(k.substring(9), t.dtype(), t.shape(), copy(t.bytes())));
                }
            }
        }
        Path plain = dir.resolve("backbone.safetensors");
        SafetensorsWriter.write(plain, backboneOnly, Map.of(), false);
        try (CpuBackend cpu = new CpuBackend(1, false)) {
            WeightsException e = assertThrows(WeightsException.class, () -> BlurdmModel.load(plain, cpu));
            assertTrue(e.getMessage().contains("backbone.safetensors") && e.getMessage().contains("prior"), e.getMessage());
            Path pth = Path.of(ModelLoadingTest.class.getResource("/fixtures/mimo_small/official_stage3.pth").toURI());
            BlurdmModel m = BlurdmModel.load(plain, pth, cpu);
            assertTrue(m.prior() != null);
        }
    }

    /** A plain MIMO-UNet checkpoint (bare state dict, no prior) loads with inferred sizes and matches PyTorch. */
    @Test
    void aPlainMimoUNetCheckpointLoadsWithoutPrior() throws Exception {
        Path pth = Path.of(ModelLoadingTest.class.getResource("/fixtures/mimo_small/plain_mimo_unet.pth").toURI());
        Path cases = Path.of(ModelLoadingTest.class.getResource("/fixtures/mimo_small/cases.safetensors").toURI());
        try (CpuBackend cpu = new CpuBackend(2, true); SafetensorsFile f = SafetensorsFile.open(cases)) {
            BlurdmModel m = BlurdmModel.load(pth, cpu);
            assertTrue(m.prior() == null);
            assertTrue(((MimoUNet) m.backbone()).config().equals(new io.github.blurdm.blurdm.backbone.mimo.MimoConfig(8, 1, false, 256)),
                    "" + ((MimoUNet) m.backbone()).config());
            TensorData x = f.get("c1/x");
            TensorData want = f.get("plain/out1");
            Tensor y = m.backbone().forward(new Ops(cpu), Tensor.of(x.toFloats(), x.intShape()), null);
            double e = MimoParityTest.relL2(y.data(), want.toFloats());
            assertTrue(e <= 1e-4, "rel-L2 " + e);
        }
    }
}

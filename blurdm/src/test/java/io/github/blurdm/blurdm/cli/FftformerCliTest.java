package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.weights.NpyFile;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.SafetensorsWriter;
import io.github.blurdm.weights.StateDict;
import io.github.blurdm.weights.TensorData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FFTformer files as a user meets them (fixtures of weights/reference/make_fftformer_fixtures.py): a BlurDM
 * stage-3 checkpoint with the prior and the original release's bare state dict deblur from the command line
 * to the reference's 8-bit images (within one level), with the prior written by --save-prior and the noise
 * given by --noise; weights inspect names the backbone; weights convert keeps the architecture; a near-miss
 * lists every bad name.
 */
class FftformerCliTest {
    private static final CliFixtures FIXTURES = new CliFixtures("fftformer");

    @TempDir
    Path dir;

    private Path image(String model, String id) throws Exception {
        return FIXTURES.png(dir.resolve("in"), model + "/" + id + "/image", id);
    }

    /** Within one level, and at most one value in a thousand off by one. */
    private static void assertImage(Path png, String key) throws Exception {
        int off = FIXTURES.assertWithinOneLevel(png, key);
        int values = FIXTURES.tensor(key).size();
        assertTrue(off <= Math.max(1, values / 1000), key + ": " + off + " values off by one");
    }

    @Test
    void aBlurdmCheckpointDeblursWithTheGivenNoiseAndSavesThePrior() throws Exception {
        Path out = dir.resolve("out");
        Path priors = dir.resolve("priors");
        for (String id : new String[] {"c0", "c1"}) {
            CliRun r = CliRun.logged("deblur", "--weights", FIXTURES.file("blurdm_stage3.pth"), "--noise",
                    FIXTURES.file("noise_" + id + ".npy"), "--backend", "cpu", "--progress", "none", "--save-prior",
                    priors,
                    image("prior", id), "--out", out);
            assertEquals(0, r.code(), r.err());
            assertImage(out.resolve(id + ".png"), "prior/" + id + "/result");
            NpyFile p = NpyFile.read(priors.resolve(id + ".prior.npy"));
            assertEquals("[1, 8]", java.util.Arrays.toString(p.shape()));
            float[] want = FIXTURES.tensor("prior/" + id + "/prior").data();
            double num = 0;
            double den = 0;
            for (int i = 0; i < want.length; i++) {
                num += Math.pow(p.values()[i] - want[i], 2);
                den += want[i] * (double) want[i];
            }
            assertTrue(Math.sqrt(num / den) <= 1e-5, id + " prior rel-L2 " + Math.sqrt(num / den));
            assertTrue(r.err().contains("conventions blurdm (as BlurDM's FFTformer deblur_predict_ddp.py: v/255; reflect "
                    + "pad right/bottom to a multiple of 32; clamp [0, 1]; +0.5/255, x255, truncate"), r.err());
        }
    }

    @Test
    void theOriginalReleaseLayoutDeblursAsItsTestPy() throws Exception {
        Path out = dir.resolve("out");
        for (String id : new String[] {"c0", "c1"}) {
            CliRun r = CliRun.logged("deblur", "--weights", FIXTURES.file("original.pth"), "--backend", "cpu",
                    "--progress", "none", "--save-prior", dir.resolve("priors"), image("original", id), "--out", out);
            assertEquals(0, r.code(), r.err());
            assertImage(out.resolve(id + ".png"), "original/" + id + "/result");
            assertTrue(r.err().contains("conventions original (as kkkls/FFTformer test.py: v/255; reflect pad "
                    + "right/bottom to a multiple of 32") && r.err().contains("a bare state dict, no prior keys"), r.err());
            assertTrue(r.err().contains("the model has no prior; --save-prior writes nothing"), r.err());
        }
    }

    @Test
    void inspectNamesTheBackboneAndConvertKeepsIt() throws Exception {
        CliRun r = CliRun.of("weights", "inspect", FIXTURES.file("blurdm_stage3.pth"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("backbone  FFTformer dim 3 [1,1,1] + 1 refinement with the BlurDM prior "
                + "(architecture fftformer; output the network's output"), r.out());
        r = CliRun.of("weights", "inspect", FIXTURES.file("original.pth"));
        assertTrue(r.out().contains("backbone  FFTformer dim 3 [1,1,1] + 2 refinement (architecture fftformer")
                && r.out().contains("conventions original (as kkkls/FFTformer test.py"), r.out());

        Path st = dir.resolve("original.safetensors");
        r = CliRun.of("weights", "convert", FIXTURES.file("original.pth"), st);
        assertEquals(0, r.code(), r.err());
        try (SafetensorsFile f = SafetensorsFile.open(st)) {
            assertEquals("fftformer", f.metadata().get("architecture"));
            assertEquals("original", f.metadata().get("conventions"));
        }
        Path out = dir.resolve("out");
        r = CliRun.logged("deblur", "--weights", st, "--backend", "cpu", "--progress", "none", image("original", "c1"),
                "--out", out);
        assertEquals(0, r.code(), r.err());
        assertImage(out.resolve("c1.png"), "original/c1/result");
    }

    /** One renamed and one missing tensor: still FFTformer (most names are), and loading lists both. */
    @Test
    void aNearMissListsEveryBadName() throws Exception {
        StateDict sd = StateDict.load(FIXTURES.file("original.pth"));
        List<TensorData> kept = new ArrayList<>();
        for (Map.Entry<String, TensorData> e : sd.tensors().entrySet()) {
            String k = e.getKey();
            if (k.equals("refinement.1.ffn.fft")) {
                continue;
            }
            TensorData t = e.getValue();
            String name = k.equals("fuse1.conv2.bias") ? "fuse1.conv_2.bias" : k;
            kept.add(new TensorData(name, t.dtype(), t.shape(), t.bytes()));
        }
        Path bad = dir.resolve("near-miss.safetensors");
        SafetensorsWriter.write(bad, kept, Map.of(), false);
        CliRun r = CliRun.of("deblur", "--weights", bad, "--backend", "cpu", "--progress", "none",
                image("original", "c0"), "--out", dir.resolve("out"));
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("refinement.1.ffn.fft") && r.err().contains("fuse1.conv2.bias")
                && r.err().contains("fuse1.conv_2.bias"), r.err());
    }
}

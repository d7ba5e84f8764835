package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.weights.NpyFile;
import io.github.blurdm.weights.SafetensorsWriter;
import io.github.blurdm.weights.StateDict;
import io.github.blurdm.weights.TensorData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stripformer from the command line: a BlurDM stage-3 checkpoint with given noise (and the prior it used, saved)
 * and the original release's layout deblur as the PyTorch reference does (within one level); inspect names the
 * backbone; a file that is almost right lists every bad name.
 */
class StripformerCliTest {
    private static final CliFixtures FIXTURES = new CliFixtures("stripformer");

    @TempDir
    Path dir;

    private Path image(String id) throws Exception {
        return FIXTURES.png(dir.resolve("in"), id + "/image", id);
    }

    @Test
    void aBlurdmCheckpointDeblursWithGivenNoiseAndSavesItsPrior() throws Exception {
        Path out = dir.resolve("out");
        Path priors = dir.resolve("priors");
        CliRun r = CliRun.logged("deblur", "--weights", FIXTURES.file("blurdm_stage3.pth"), "--noise",
                FIXTURES.file("noise_b1.npy"),
                "--backend", "cpu", "--progress", "none", "--save-prior", priors, image("b1"), "--out", out);
        assertEquals(0, r.code(), r.err());
        FIXTURES.assertWithinOneLevel(out.resolve("b1.png"), "b1/result");
        assertTrue(r.err().contains("conventions blurdm (as BlurDM's Stripformer deblur_predict_ddp.py: v/255 - 0.5; "
                + "reflect pad right/bottom to a multiple of 32"), r.err());
        NpyFile prior = NpyFile.read(priors.resolve("b1.prior.npy"));
        assertTrue(Arrays.equals(new long[] {1, 16}, prior.shape()), Arrays.toString(prior.shape()));
        float[] want = FIXTURES.tensor("b1/prior").data();
        double num = 0;
        double den = 0;
        for (int i = 0; i < want.length; i++) {
            num += Math.pow(prior.values()[i] - want[i], 2);
            den += Math.pow(want[i], 2);
        }
        assertTrue(Math.sqrt(num / den) <= 1e-5, "prior rel-L2 " + Math.sqrt(num / den));
    }

    @Test
    void theOriginalReleaseDeblursAsItsAuthorsScriptsDo() throws Exception {
        Path out = dir.resolve("out");
        CliRun r = CliRun.logged("deblur", "--weights", FIXTURES.file("Stripformer_small.pth"), "--backend", "cpu",
                "--progress", "none", "--save-prior", dir.resolve("priors"), image("o1"), image("o2"), "--out", out);
        assertEquals(0, r.code(), r.err());
        FIXTURES.assertWithinOneLevel(out.resolve("o1.png"), "o1/result");
        FIXTURES.assertWithinOneLevel(out.resolve("o2.png"), "o2/result");
        assertTrue(r.err().contains("conventions original (as pp00704831/Stripformer-ECCV-2022- predict_RealBlur_*_test_"
                + "results.py: v/255 - 0.5; reflect pad right/bottom to a multiple of 8") && r.err().contains(
                "an original Stripformer (channels 4/8/32/16, 2+2 blocks) release: layout a bare state dict, no prior "
                        + "keys"), r.err());
        assertTrue(r.err().contains("the model has no prior; --save-prior writes nothing"), r.err());
        r = CliRun.of("weights", "inspect", FIXTURES.file("Stripformer_small.pth"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("backbone  Stripformer (channels 4/8/32/16, 2+2 blocks) (architecture stripformer; "
                + "output the network's output (decoder + input image))"), r.out());
        assertTrue(r.out().contains("module.Trans_block_2.conv_h.weight"), r.out());
    }

    @Test
    void aFileThatIsAlmostRightListsEveryBadName() throws Exception {
        StateDict sd = StateDict.load(FIXTURES.file("Stripformer_small.pth")).stripPrefix("module.");
        List<TensorData> edited = new ArrayList<>();
        for (String k : sd.names()) {
            TensorData t = sd.get(k);
            if (k.equals("Trans_block_2.conv_v.bias")) {
                continue;
            }
            if (k.equals("decoder.de_block_1.ffn.fc1.weight")) {
                t = TensorData.ofFloats(k, new float[16 * 17], 16, 17);
            }
            edited.add(t);
        }
        Path file = dir.resolve("edited.safetensors");
        SafetensorsWriter.write(file, edited, java.util.Map.of(), false);
        CliRun r = CliRun.of("deblur", "--weights", file, "--backend", "cpu", image("o1"), "--out", dir.resolve("out"));
        assertEquals(3, r.code());
        assertTrue(r.err().contains("Trans_block_2.conv_v.bias: missing, expected [48]")
                && r.err().contains("decoder.de_block_1.ffn.fc1.weight: expected [16,16], found [16,17]"), r.err());
        r = CliRun.of("deblur", "--weights", FIXTURES.file("Stripformer_small.pth"), "--architecture", "mimo_unet",
                "--backend", "cpu", image("o1"), "--out", dir.resolve("out"));
        assertEquals(3, r.code());
        assertTrue(r.err().contains("'feat_extract.0.main.0.weight' is missing"), r.err());
        assertFalse(Files.exists(dir.resolve("out").resolve("o1.png")));
    }
}

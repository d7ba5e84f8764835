package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.weights.DType;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.StateDict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blurdm weights ...} run in-process on the weights module's PyTorch fixtures. */
class WeightsCommandTest {
    private static final Path FIXTURES = Path.of("../weights/src/test/resources/checkpoints");

    private static CliRun run(Object... args) {
        return CliRun.of(args);
    }

    @TempDir
    Path dir;

    private static Path fx(String name) {
        return FIXTURES.resolve(name);
    }

    private long files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void inspectTrainingCheckpoint() {
        CliRun r = run("weights", "inspect", fx("training.pth"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("state dicts: model_state, model_dm_state"), r.out());
        assertTrue(r.out().contains("feat.0.weight") && r.out().contains("[4,3,3,3]"), r.out());
        assertTrue(r.out().contains("time_stamps_list") && r.out().contains("I64"), r.out());
        assertTrue(r.out().contains("epoch            3"), r.out());
        assertTrue(r.out().contains("argparse.Namespace(model_name='MIMO-UNetPlus'"), r.out());
        assertTrue(r.out().contains("torch.device('cuda', 0)"), r.out());
    }

    @Test
    void inspectSafetensorsAndViews() {
        CliRun r = run("weights", "inspect", fx("views.pth"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(strided view)"), r.out());
        r = run("weights", "inspect", fx("plain.expected.safetensors"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("format    safetensors") && r.out().contains("kv.weight"), r.out());
    }

    @Test
    void hostileAndLegacyFilesFailWithExitOne() throws Exception {
        Path marker = Path.of("/tmp/blurdm-pwned-marker");
        Files.deleteIfExists(marker);
        CliRun r = run("weights", "inspect", fx("malicious.pth"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("posix.system('touch /tmp/blurdm-pwned-marker')"), r.out());
        assertTrue(r.out().contains("subprocess.Popen"), r.out());
        r = run("weights", "convert", fx("malicious.pth"), dir.resolve("m.safetensors"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no state dict found"), r.err());
        r = run("weights", "inspect", fx("malicious.pkl"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("_use_new_zipfile_serialization=True"), r.err());
        r = run("weights", "convert", fx("module.legacy.pth"), dir.resolve("l.safetensors"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("state_dict()"), r.err());
        assertEquals(0, files(), "nothing written");
        assertFalse(Files.exists(marker));
    }

    @Test
    void convertWritesFloat32WithConfigAndRefusesOverwrite() throws Exception {
        Path out = dir.resolve("prior.safetensors");
        CliRun r = run("weights", "convert", fx("training.pth"), out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("model_state") && r.err().contains("model_dm_state"), r.err());
        r = run("weights", "convert", fx("training.pth"), out, "--key", "model_dm_state",
                "--config", "{\"architecture\":\"blurdm_prior\",\"steps\":5}");
        assertEquals(0, r.code(), r.err());
        StateDict want = StateDict.load(fx("training.pth"), "model_dm_state");
        try (SafetensorsFile sf = SafetensorsFile.open(out)) {
            assertEquals(want.names(), sf.keys());
            for (String k : want.names()) {
                assertArrayEquals(want.get(k).toFloats(), sf.get(k).toFloats(), k);
            }
            assertEquals(DType.I64, sf.dtype("time_stamps_list"));
            assertEquals("blurdm_prior", sf.modelConfig().orElseThrow().architecture());
            assertEquals(5, sf.modelConfig().orElseThrow().config().get("steps").asInt());
        }
        long before = Files.size(out);
        r = run("weights", "convert", fx("plain.pth"), out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("already exists"), r.err());
        assertEquals(before, Files.size(out));
        r = run("weights", "convert", out, out, "--force");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is the input file"), r.err());
        r = run("weights", "convert", fx("plain.pth"), out, "--force");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, files(), "no temporary files left");
    }

    @Test
    void convertKeepsOrWidensDtypes() throws Exception {
        Path keep = dir.resolve("keep.safetensors");
        Path f32 = dir.resolve("f32.safetensors");
        assertEquals(0, run("weights", "convert", fx("dtypes.pth"), keep, "--dtype", "keep").code());
        assertEquals(0, run("weights", "convert", fx("dtypes.pth"), f32).code());
        try (SafetensorsFile k = SafetensorsFile.open(keep); SafetensorsFile f = SafetensorsFile.open(f32)) {
            assertEquals(DType.BF16, k.dtype("bf16"));
            assertEquals(DType.F32, f.dtype("bf16"));
            assertEquals(DType.F32, f.dtype("f64"));
            assertEquals(DType.BOOL, f.dtype("bool"));
            assertArrayEquals(k.get("f16").toFloats(), f.get("f16").toFloats());
        }
    }

    @Test
    void diffStripsPrefixesAndReportsMissing() throws Exception {
        CliRun r = run("weights", "diff", fx("plain.pth"), fx("dataparallel.pth"), "--strip-prefix", "module.",
                "--tolerance", "0");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("worst rel-L2 0.0000e+00; 0 problems"), r.out());
        r = run("weights", "diff", fx("plain.pth"), fx("dataparallel.pth"));
        assertEquals(1, r.code());
        assertTrue(r.out().contains("only in A") && r.out().contains("only in B"), r.out());
        r = run("weights", "diff", fx("plain.pth"), fx("training.pth"), "--key-b", "model_state", "--tolerance", "1e-9");
        assertEquals(1, r.code(), r.out());
    }

    @Test
    void legacyCheckpointsReadLikeTheirZipTwins() throws Exception {
        CliRun r = run("weights", "inspect", fx("training.legacy.pth"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("PyTorch legacy checkpoint") && r.out().contains("model_dm_state"), r.out());
        r = run("weights", "diff", fx("plain.pth"), fx("plain.legacy.pth"), "--tolerance", "0");
        assertEquals(0, r.code(), r.out() + r.err());
        Path a = dir.resolve("zip.safetensors");
        Path b = dir.resolve("legacy.safetensors");
        assertEquals(0, run("weights", "convert", fx("dtypes.pth"), a, "--dtype", "keep").code());
        assertEquals(0, run("weights", "convert", fx("dtypes.legacy.pth"), b, "--dtype", "keep").code());
        try (SafetensorsFile sa = SafetensorsFile.open(a); SafetensorsFile sb = SafetensorsFile.open(b)) {
            assertEquals(sa.keys(), sb.keys());
            for (String k : sa.keys()) {
                assertEquals(sa.get(k).bytes(), sb.get(k).bytes(), k);
            }
        }
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("weights").code());
        assertEquals(2, run("weights", "convert", fx("plain.pth")).code());
        assertEquals(2, run("weights", "convert", fx("plain.pth"), dir.resolve("x"), "--dtype", "f8").code());
    }
}

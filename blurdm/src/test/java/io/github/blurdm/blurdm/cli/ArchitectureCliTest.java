package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.weights.SafetensorsFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --architecture, and the family that weights inspect names and weights convert records. */
class ArchitectureCliTest {
    @TempDir
    Path dir;

    private static Path fixture(String name) throws Exception {
        return Path.of(ArchitectureCliTest.class.getResource("/fixtures/mimo_original/" + name).toURI());
    }

    @Test
    void inspectNamesTheBackboneAndConvertRecordsItsArchitecture() throws Exception {
        CliRun r = CliRun.of("weights", "inspect", fixture("MIMO-UNetPlus-small.pkl"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("backbone  MIMO-UNet (base 4, 2 ResBlocks) (architecture mimo_unet; output out[2], "
                + "the full-resolution head)"), r.out());
        Path st = dir.resolve("plus.safetensors");
        r = CliRun.of("weights", "convert", fixture("MIMO-UNetPlus-small.pkl"), st);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("backbone MIMO-UNet (base 4, 2 ResBlocks), architecture mimo_unet"), r.out());
        try (SafetensorsFile f = SafetensorsFile.open(st)) {
            assertEquals("mimo_unet", f.metadata().get("architecture"));
        }
    }

    @Test
    void aBadArchitectureIsAUsageErrorNamingTheChoices() throws Exception {
        CliRun r = CliRun.of("deblur", "--weights", fixture("MIMO-UNetPlus-small.pkl"), "--architecture", "unet",
                "--out", dir.resolve("out"), "x.png");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--architecture must be one of mimo_unet (MIMO-UNet), stripformer (Stripformer), loformer (LoFormer), fftformer (FFTformer), found 'unet'"), r.err());
    }
}

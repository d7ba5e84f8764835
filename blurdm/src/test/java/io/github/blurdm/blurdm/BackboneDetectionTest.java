package io.github.blurdm.blurdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.SafetensorsWriter;
import io.github.blurdm.weights.TensorData;
import io.github.blurdm.weights.WeightsException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The family comes from the names (a near-miss is still recognised and its loading lists every bad name),
 * from the file's metadata, or from the caller; names of no family say which families there are.
 */
class BackboneDetectionTest {
    @TempDir
    Path dir;

    /** The fixture model's backbone as a plain state dict, each name passed through {@code rename} (null drops it). */
    private Path plainBackbone(UnaryOperator<String> rename, Map<String, String> meta) throws Exception {
        List<TensorData> out = new ArrayList<>();
        try (SafetensorsFile f = SafetensorsFile.open(MimoParityTest.fixture("model.safetensors"))) {
            for (String k : f.keys()) {
                String name = k.startsWith("backbone.") ? rename.apply(k.substring("backbone.".length())) : null;
                if (name != null) {
                    TensorData t = f.get(k);
                    ByteBuffer b = ByteBuffer.allocate(t.bytes().remaining());
                    b.put(t.bytes().duplicate()).flip();
                    out.add(new TensorData(name, t.dtype(), t.shape(), b));
                }
            }
        }
        Path p = dir.resolve("backbone.safetensors");
        SafetensorsWriter.write(p, out, meta, true);
        return p;
    }

    @Test
    void aNearMissIsRecognisedAndEveryBadNameListed() throws Exception {
        Path p = plainBackbone(k -> k.equals("Decoder.1.kv.weight") ? null
                : k.startsWith("AFFs.0.") ? "AFF.0." + k.substring(7) : k, Map.of());
        try (CpuBackend cpu = new CpuBackend(1, false)) {
            WeightsException e = assertThrows(WeightsException.class, () -> BlurdmModel.load(p, cpu));
            String m = e.getMessage();
            assertTrue(m.contains("Decoder.1.kv.weight: missing"), m);
            assertTrue(m.contains("AFFs.0.conv.0.main.0.weight: missing") && m.contains("AFF.0.conv.0.main.0.weight: "
                    + "unexpected"), m);
        }
    }

    @Test
    void namesOfNoFamilySayWhichThereAreAndAnExplicitArchitectureListsWhatIsMissing() throws Exception {
        Path p = plainBackbone(k -> "net." + k, Map.of());
        try (CpuBackend cpu = new CpuBackend(1, false)) {
            WeightsException e = assertThrows(WeightsException.class, () -> BlurdmModel.load(p, cpu));
            assertTrue(e.getMessage().contains("no backbone found") && e.getMessage().contains("mimo_unet (MIMO-UNet)"),
                    e.getMessage());
            e = assertThrows(WeightsException.class, () -> BlurdmModel.load(p, null, cpu, null, Backbone.MIMO_UNET));
            assertTrue(e.getMessage().contains("'feat_extract.0.main.0.weight' is missing"), e.getMessage());
        }
    }

    @Test
    void aRecordedArchitectureIsTheFamily() throws Exception {
        Path p = plainBackbone(k -> k, Map.of("architecture", "mimo_unet", "config", "{}"));
        try (CpuBackend cpu = new CpuBackend(1, false)) {
            BlurdmModel m = BlurdmModel.load(p, MimoParityTest.fixture("official_stage3.pth"), cpu);
            assertEquals(Backbone.MIMO_UNET, m.backbone().backbone());
            assertEquals("MIMO-UNet (base 8, 2 ResBlocks) with the BlurDM prior", m.backbone().displayName());
        }
        Path unknown = plainBackbone(k -> k, Map.of("architecture", "unet9000", "config", "{}"));
        WeightsException e = assertThrows(WeightsException.class, () -> BlurdmModel.describe(unknown, null, null));
        assertTrue(e.getMessage().contains("architecture 'unet9000' is none this engine runs")
                && e.getMessage().contains("mimo_unet_blurdm"), e.getMessage());
    }

    @Test
    void architectureNamesParseOrSayWhatIsAllowed() {
        assertEquals(Backbone.MIMO_UNET, Backbone.parse(" MIMO_UNet", "--architecture"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backbone.parse("unet", "--architecture"));
        assertEquals("--architecture must be one of mimo_unet (MIMO-UNet), stripformer (Stripformer), loformer (LoFormer), fftformer (FFTformer), found 'unet'", e.getMessage());
    }
}

package io.github.blurdm.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trip with the model configuration; no overwrite unless asked; nothing left behind. */
class SafetensorsWriterTest {
    @TempDir
    Path dir;

    private static final List<TensorData> TENSORS = List.of(
            TensorData.ofFloats("a.weight", new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
            TensorData.ofFloats("a.bias", new float[] {-1.5f}, 1),
            TensorData.ofFloats("empty", new float[0], 0, 4));

    private long files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void roundTripWithModelConfig() throws Exception {
        ObjectNode hp = new ObjectMapper().createObjectNode().put("base_channels", 32).put("num_res", 20);
        ModelConfig cfg = new ModelConfig("mimo_unet_plus", hp);
        Path f = dir.resolve("m.safetensors");
        SafetensorsWriter.write(f, TENSORS, Map.of("format", "pt"), cfg, false);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertEquals(List.of("a.weight", "a.bias", "empty"), sf.keys());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, sf.get("a.weight").toFloats());
            assertArrayEquals(new long[] {0, 4}, sf.shape("empty"));
            assertEquals("pt", sf.metadata().get("format"));
            ModelConfig back = sf.modelConfig().orElseThrow();
            assertEquals("mimo_unet_plus", back.architecture());
            assertEquals(20, back.config().get("num_res").asInt());
        }
        assertEquals(1, files(), "no temporary file left");
    }

    @Test
    void refusesToOverwriteUnlessAsked() throws Exception {
        Path f = dir.resolve("m.safetensors");
        Files.writeString(f, "precious");
        WeightsException e = assertThrows(WeightsException.class,
                () -> SafetensorsWriter.write(f, TENSORS, null, false));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals("precious", Files.readString(f));
        // A dangling symbolic link holds the name too.
        Path link = dir.resolve("link.safetensors");
        Files.createSymbolicLink(link, dir.resolve("nowhere"));
        assertThrows(WeightsException.class, () -> SafetensorsWriter.write(link, TENSORS, null, false));
        assertTrue(Files.notExists(dir.resolve("nowhere")));
        SafetensorsWriter.write(f, TENSORS, null, true);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertEquals(3, sf.keys().size());
        }
        assertEquals(2, files(), "no temporary file left");
    }

    @Test
    void refusesBadNames() {
        Path f = dir.resolve("m.safetensors");
        List<TensorData> dup = List.of(TENSORS.get(0), TENSORS.get(0));
        assertThrows(WeightsException.class, () -> SafetensorsWriter.write(f, dup, null, false));
        List<TensorData> reserved = List.of(TensorData.ofFloats("__metadata__", new float[] {1}, 1));
        assertThrows(WeightsException.class, () -> SafetensorsWriter.write(f, reserved, null, false));
        assertTrue(Files.notExists(f));
    }

    @Test
    void modelConfigParsing() throws Exception {
        ModelConfig c = ModelConfig.parse(null, "{\"architecture\":\"stripformer\",\"heads\":4}");
        assertEquals("stripformer", c.architecture());
        assertEquals("{\"heads\":4}", c.toMetadata().get("config"));
        assertThrows(WeightsException.class, () -> ModelConfig.parse(null, "{\"heads\":4}"));
        assertThrows(WeightsException.class, () -> ModelConfig.parse("x", "[1]"));
        assertThrows(WeightsException.class, () -> ModelConfig.parse("x", "{bad"));
        assertTrue(ModelConfig.fromMetadata(Map.of(), "f").isEmpty());
        WeightsException e = assertThrows(WeightsException.class,
                () -> ModelConfig.fromMetadata(Map.of("architecture", "a", "config", "[]"), "f.safetensors"));
        assertTrue(e.getMessage().startsWith("f.safetensors: __metadata__.config"), e.getMessage());
    }
}

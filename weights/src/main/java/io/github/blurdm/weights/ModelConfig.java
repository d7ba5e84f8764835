package io.github.blurdm.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The model configuration a weights file carries in its safetensors {@code __metadata__}: the
 * architecture name under {@code "architecture"} and the hyper-parameters, a JSON object, under
 * {@code "config"}. Immutable.
 *
 * @param architecture e.g. {@code mimo_unet_plus}
 * @param config       hyper-parameters as a JSON object (never null; may be empty)
 */
public record ModelConfig(String architecture, ObjectNode config) {
    public static final String ARCHITECTURE_KEY = "architecture";
    public static final String CONFIG_KEY = "config";
    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        if (architecture == null || architecture.isBlank()) {
            throw new IllegalArgumentException("architecture must be named");
        }
        config = config == null ? JSON.createObjectNode() : config.deepCopy();
    }

    @Override
    public ObjectNode config() {
        return config.deepCopy();
    }

    /**
     * Parses a JSON object; its {@code "architecture"} field, if any, names the architecture unless
     * {@code architecture} is given, and is not kept among the hyper-parameters.
     */
    public static ModelConfig parse(String architecture, String json) throws WeightsException {
        JsonNode n;
        try {
            n = json == null || json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new WeightsException("model config is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new WeightsException("model config must be a JSON object");
        }
        ObjectNode o = (ObjectNode) n;
        JsonNode a = o.remove(ARCHITECTURE_KEY);
        String arch = architecture != null ? architecture : a != null && a.isTextual() ? a.asText() : null;
        if (arch == null || arch.isBlank()) {
            throw new WeightsException("model config names no architecture (give \"architecture\": \"...\")");
        }
        return new ModelConfig(arch, o);
    }

    /** The metadata entries to write ({@code architecture}, {@code config}). */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ARCHITECTURE_KEY, architecture);
        m.put(CONFIG_KEY, config.toString());
        return m;
    }

    /** Reads the configuration from metadata; empty if it has no architecture; {@code source} names the file. */
    public static Optional<ModelConfig> fromMetadata(Map<String, String> metadata, String source)
            throws WeightsException {
        String arch = metadata.get(ARCHITECTURE_KEY);
        if (arch == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(arch, metadata.get(CONFIG_KEY)));
        } catch (WeightsException e) {
            throw new WeightsException(source + ": __metadata__." + CONFIG_KEY + ": " + e.getMessage(), e);
        }
    }
}

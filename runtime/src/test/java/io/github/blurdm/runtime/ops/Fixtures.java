package io.github.blurdm.runtime.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.TensorData;
import io.github.blurdm.weights.WeightsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads the PyTorch fixtures of an op from the classpath resource {@code /fixtures/<op_id>.safetensors}
 * (written by {@code weights/reference/make_op_fixtures.py}; format in weights/reference/README.md).
 * Works from a directory and from a jar (the runtime test-jar, reused by the benchmarks): a resource
 * inside a jar is copied to a temporary file first. Results are cached per op. Thread-safe.
 */
public final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Op, List<FixtureCase>> CACHE = new ConcurrentHashMap<>();

    /** The script that regenerates every fixture. */
    public static final String GENERATOR = "weights/reference/make_op_fixtures.py";

    private Fixtures() {
    }

    /** Classpath resource name of the op's fixture file. */
    public static String resource(Op op) {
        return "/fixtures/" + op.id() + ".safetensors";
    }

    public static boolean exists(Op op) {
        return Fixtures.class.getResource(resource(op)) != null;
    }

    /** Every case of the op's fixture, in file order. */
    public static List<FixtureCase> load(Op op) {
        return CACHE.computeIfAbsent(op, Fixtures::read);
    }

    /** The {@code __metadata__} of the op's fixture file. */
    public static Map<String, String> metadata(Op op) {
        try (SafetensorsFile f = SafetensorsFile.open(path(op))) {
            return Map.copyOf(f.metadata());
        } catch (WeightsException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static Path path(Op op) {
        URL url = Fixtures.class.getResource(resource(op));
        if (url == null) {
            throw new IllegalStateException("missing fixture " + resource(op) + " on the classpath; regenerate with "
                    + "/usr/bin/python3 " + GENERATOR);
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            Path tmp = Files.createTempFile("blurdm-fixture-" + op.id() + "-", ".safetensors");
            tmp.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + url, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad fixture URL " + url, e);
        }
    }

    private static List<FixtureCase> read(Op op) {
        Path p = path(op);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            Map<String, String> meta = f.metadata();
            if (!op.id().equals(meta.get("op"))) {
                throw new IllegalStateException(p + ": fixture is for op '" + meta.get("op") + "', expected '"
                        + op.id() + "'");
            }
            JsonNode cases = JSON.readTree(meta.getOrDefault("cases", "[]"));
            List<FixtureCase> out = new ArrayList<>();
            for (JsonNode c : cases) {
                String id = c.get("id").asText();
                List<String> inputs = new ArrayList<>();
                c.get("inputs").forEach(n -> inputs.add(n.asText()));
                String output = c.get("output").asText();
                Map<String, float[]> values = new HashMap<>();
                Map<String, int[]> shapes = new HashMap<>();
                List<String> names = new ArrayList<>(inputs);
                names.add(output);
                for (String n : names) {
                    TensorData t = f.get(id + "/" + n);
                    values.put(n, t.toFloats());
                    shapes.put(n, t.intShape());
                }
                out.add(new FixtureCase(op, id, c.get("label").asText(), c.get("params"), inputs, output, values,
                        shapes));
            }
            return List.copyOf(out);
        } catch (WeightsException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": bad cases metadata", e);
        }
    }
}

package io.github.blurdm.blurdm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where {@code deblur} finds its model when no {@code --weights} is given: the system property
 * {@code blurdm.weights}, else the environment variable {@code BLURDM_WEIGHTS}, else the model this
 * repository ships, {@value #SHIPPED} under the installation folder that the launcher passes as the
 * system property {@code blurdm.home}.
 */
final class DefaultWeights {
    /** The shipped model, relative to the repository root. */
    static final String SHIPPED = "weights/models/blurdm-mimo-small.safetensors";

    private DefaultWeights() {
    }

    /** The default weights file, or an explanation of why there is none (the file need not exist yet). */
    static Path resolve(Properties props, Map<String, String> env) throws MissingWeights {
        String explicit = props.getProperty("blurdm.weights");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String fromEnv = env.get("BLURDM_WEIGHTS");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        String home = props.getProperty("blurdm.home");
        if (home == null || home.isBlank()) {
            throw new MissingWeights("no --weights given, and no default: BLURDM_WEIGHTS is not set and the "
                    + "installation folder is unknown (run through bin/blurdm, or pass --weights FILE)");
        }
        Path shipped = Path.of(home).resolve(SHIPPED);
        if (!Files.isRegularFile(shipped)) {
            throw new MissingWeights("no --weights given, and the shipped model " + shipped
                    + " is missing (pass --weights FILE or set BLURDM_WEIGHTS)");
        }
        return shipped;
    }

    /** No weights were named and no default exists. */
    static final class MissingWeights extends Exception {
        private static final long serialVersionUID = 1L;

        MissingWeights(String message) {
            super(message);
        }
    }
}

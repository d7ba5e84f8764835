package io.github.blurdm.runtime.cpu;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides once whether the CPU backend may use the incubating Vector API: the JVM must have been
 * started with {@code --add-modules jdk.incubator.vector}, and the system property
 * {@code blurdm.vector} must not be {@code false}. Classes that touch {@code jdk.incubator.vector}
 * are only ever loaded behind {@link #AVAILABLE}, so everything runs without the module.
 */
public final class VectorSupport {
    private static final Logger LOG = LoggerFactory.getLogger(VectorSupport.class);

    /** Whether the Vector API fast paths are used. */
    public static final boolean AVAILABLE;

    /** Why the fast paths are or are not used, for {@code blurdm info} and the log. */
    public static final String REASON;

    static {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean allowed = !"false".equalsIgnoreCase(System.getProperty("blurdm.vector", "true"));
        if (!allowed) {
            AVAILABLE = false;
            REASON = "Vector API disabled by -Dblurdm.vector=false; scalar loops";
        } else if (!present) {
            AVAILABLE = false;
            REASON = "module jdk.incubator.vector not enabled (start the JVM with --add-modules "
                    + "jdk.incubator.vector); scalar loops";
        } else {
            AVAILABLE = true;
            REASON = "Vector API enabled, " + VectorWidth.describe();
        }
        LOG.info("CPU backend: {}", REASON);
    }

    private VectorSupport() {
    }
}

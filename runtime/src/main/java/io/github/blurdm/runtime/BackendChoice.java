package io.github.blurdm.runtime;

import java.util.Locale;

/**
 * Which backend to create: {@link #AUTO} (CUDA when a driver, a device and NVRTC are usable, else
 * the CPU, saying why in one log line), {@link #CPU}, {@link #CUDA} (an error saying why when it
 * is not usable), or {@link #CUDA_EMULATED} (the CUDA backend on the emulated device: for
 * debugging, slow). {@link #configured()} reads the system property {@code blurdm.backend}, then the
 * environment variable {@code BLURDM_BACKEND}, defaulting to AUTO.
 */
public enum BackendChoice {
    /** CUDA when usable, else the CPU. */
    AUTO,
    /** The pure-Java CPU backend. */
    CPU,
    /** The CUDA backend; an error when CUDA is not usable. */
    CUDA,
    /**
     * The CUDA backend's kernels and launches on the emulated device (compiled by g++, run on the
     * CPU with extra checks): for debugging kernels without a GPU; very slow.
     */
    CUDA_EMULATED;

    /** System property that chooses the backend ("auto", "cpu", "cuda", "cuda-emulated"). */
    public static final String PROPERTY = "blurdm.backend";
    /** Environment variable read when the property is not set. */
    public static final String ENV = "BLURDM_BACKEND";

    /** The choice from {@code -Dblurdm.backend}, else {@code BLURDM_BACKEND}, else AUTO. */
    public static BackendChoice configured() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            return parse(p, "-D" + PROPERTY);
        }
        String e = System.getenv(ENV);
        if (e != null && !e.isBlank()) {
            return parse(e, ENV);
        }
        return AUTO;
    }

    /** Parses "auto", "cpu", "cuda" or "cuda-emulated" (any case); {@code from} names the setting in the error. */
    public static BackendChoice parse(String s, String from) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(from + ": unknown backend '" + s
                    + "'; expected auto, cpu, cuda or cuda-emulated");
        }
    }

    /** The name as the property and the CLI spell it ("cuda-emulated"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

package io.github.blurdm.runtime;

import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.runtime.cpu.VectorSupport;
import java.util.List;

/** Finds the backends this machine can run and creates them by name. Thread-safe. */
public final class Backends {
    private Backends() {
    }

    /** One status line per known backend, for {@code blurdm info} and logs. */
    public static List<BackendStatus> probe() {
        int threads = CpuBackend.defaultThreads();
        BackendStatus cpu = new BackendStatus("cpu", true,
                threads + " thread" + (threads == 1 ? "" : "s") + "; " + VectorSupport.REASON);
        BackendStatus cuda = new BackendStatus("cuda", false, "this build has no CUDA backend; using the CPU");
        return List.of(cpu, cuda);
    }

    /** Creates the named backend ("cpu"); throws IllegalArgumentException naming the choices otherwise. */
    public static Backend create(String name) {
        if ("cpu".equalsIgnoreCase(name)) {
            return new CpuBackend();
        }
        for (BackendStatus s : probe()) {
            if (s.name().equalsIgnoreCase(name)) {
                throw new IllegalArgumentException("backend '" + name + "' is not usable here: " + s.detail());
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "'; known: cpu, cuda");
    }
}

package io.github.blurdm.blurdm.cli;

import io.github.blurdm.runtime.BackendChoice;
import io.github.blurdm.runtime.BackendStatus;
import io.github.blurdm.runtime.Backends;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code blurdm info}: the Java runtime, and each backend with whether it is usable and why. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the Java runtime and the backends found on this machine, and why each is or is not used.")
final class InfoCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("java     %s (%s), %s%n", System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("java.home"));
        out.printf("machine  %s %s, %d processors, max heap %d MiB%n", System.getProperty("os.name"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        List<BackendStatus> found = Backends.probe();
        for (BackendStatus s : found) {
            out.printf("backend  %-13s %-11s %s%n", s.name(), s.available() ? "available" : "unavailable", s.detail());
        }
        BackendChoice configured = BackendChoice.configured();
        if (configured == BackendChoice.AUTO) {
            String why = Backends.autoReason();
            out.printf("default  %s (auto%s; override with -D%s or %s=cpu|cuda|cuda-emulated|auto)%n",
                    Backends.autoChoice(), why.isEmpty() ? "" : ": " + why, BackendChoice.PROPERTY, BackendChoice.ENV);
        } else {
            out.printf("default  %s (set by -D%s or %s)%s%n", configured.id(), BackendChoice.PROPERTY, BackendChoice.ENV,
                    configured == BackendChoice.CUDA_EMULATED
                            ? ": the CUDA kernels run on the CPU's emulated device, for debugging only (very slow)" : "");
        }
        out.flush();
        return 0;
    }
}

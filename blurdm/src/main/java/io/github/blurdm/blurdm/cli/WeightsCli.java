package io.github.blurdm.blurdm.cli;

import io.github.blurdm.weights.WeightsException;
import picocli.CommandLine;

/** What the weights subcommands share: reporting a failure as one line and exit code 1. */
final class WeightsCli {
    private WeightsCli() {
    }

    static int fail(CommandLine.Model.CommandSpec spec, WeightsException e) {
        spec.commandLine().getErr().println("blurdm: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 1;
    }
}

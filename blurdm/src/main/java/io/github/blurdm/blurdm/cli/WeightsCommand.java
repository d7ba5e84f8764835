package io.github.blurdm.blurdm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code blurdm weights}: inspect, convert and compare weight files (PyTorch checkpoints and
 * safetensors). Exit codes for every subcommand: 0 success, 1 failure (unreadable or hostile
 * file, refused overwrite, differences found by diff), 2 usage error.
 */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = {"Inspect, convert and compare weight files (PyTorch .pth checkpoints, safetensors).",
                "Exit codes: 0 ok, 1 failure, 2 usage error."},
        subcommands = {WeightsInspectCommand.class, WeightsConvertCommand.class, WeightsDiffCommand.class})
final class WeightsCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (inspect, convert, diff)");
    }
}

package io.github.blurdm.blurdm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code blurdm}: the command-line tool. Subcommands grow with the engine; {@code info} reports the
 * backends this machine can run, {@code deblur} deblurs images, {@code eval} measures results against
 * ground truth (PSNR, 3-D SSIM). Exit codes: 0 success, 1 failure, 2 usage error.
 */
@Command(name = "blurdm", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "BlurDM image deblurring engine (CPU and CUDA backends).",
        subcommands = {InfoCommand.class, DeblurCommand.class, EvalCommand.class, SynthCommand.class,
            WeightsCommand.class, CommandLine.HelpCommand.class})
public final class BlurdmCli implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }

    /** Builds the command line (tests call this to run commands in-process). */
    public static CommandLine commandLine() {
        return new CommandLine(new BlurdmCli());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}

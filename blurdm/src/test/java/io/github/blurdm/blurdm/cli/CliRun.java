package io.github.blurdm.blurdm.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import picocli.CommandLine;

/** Runs {@code blurdm} in-process for tests, capturing the exit code, stdout and stderr. */
record CliRun(int code, String out, String err) {

    /** Runs the command line; arguments are turned into strings ({@code Path}s included). */
    static CliRun of(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = BlurdmCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(Stream.of(args).map(String::valueOf).toArray(String[]::new));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** {@link #of} with System.err captured too (the log lines go there), appended to err. */
    static CliRun logged(Object... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            CliRun r = of(args);
            return new CliRun(r.code(), r.out(), r.err() + log.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }
}

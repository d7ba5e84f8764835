package io.github.blurdm.blurdm.cli;

import io.github.blurdm.weights.StateDict;
import io.github.blurdm.weights.TensorData;
import io.github.blurdm.weights.WeightsException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code blurdm weights diff A B}: per tensor max |a-b| and rel-L2, and the names only one side has. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare two weight files tensor by tensor (values as float32): max |a-b| and "
                + "rel-L2 = ||a-b|| / ||b||; names missing on either side and shape mismatches are listed.",
                "Exit code 0 when both hold the same names and shapes and every rel-L2 is within --tolerance "
                        + "(default: any value), 1 otherwise."})
final class WeightsDiffCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A")
    private Path a;

    @Parameters(index = "1", paramLabel = "B")
    private Path b;

    @Option(names = "--key-a", paramLabel = "NAME", description = "state dict of A, if A is a checkpoint with several")
    private String keyA;

    @Option(names = "--key-b", paramLabel = "NAME", description = "state dict of B, if B is a checkpoint with several")
    private String keyB;

    @Option(names = "--strip-prefix", paramLabel = "PREFIX", description = "remove PREFIX (e.g. module.) on both sides")
    private String stripPrefix;

    @Option(names = "--tolerance", paramLabel = "REL_L2", description = "fail (exit 1) if a tensor's rel-L2 exceeds this")
    private Double tolerance;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            StateDict sa = StateDict.load(a, keyA).stripPrefix(stripPrefix);
            StateDict sb = StateDict.load(b, keyB).stripPrefix(stripPrefix);
            int problems = 0;
            double worst = 0;
            out.printf("%-48s %12s %12s%n", "tensor", "max_abs", "rel_l2");
            for (String k : sa.names()) {
                TensorData ta = sa.get(k);
                if (!sb.contains(k)) {
                    out.printf("%-48s only in A %s%n", k, StateDict.shape(ta.shape()));
                    problems++;
                    continue;
                }
                TensorData tb = sb.get(k);
                if (!Arrays.equals(ta.shape(), tb.shape())) {
                    out.printf("%-48s shape A %s, B %s%n", k, StateDict.shape(ta.shape()), StateDict.shape(tb.shape()));
                    problems++;
                    continue;
                }
                float[] x = ta.toFloats();
                float[] y = tb.toFloats();
                double maxAbs = 0;
                double num = 0;
                double den = 0;
                for (int i = 0; i < x.length; i++) {
                    double d = (double) x[i] - y[i];
                    maxAbs = Math.max(maxAbs, Math.abs(d));
                    num += d * d;
                    den += (double) y[i] * y[i];
                }
                double rel = num == 0 ? 0 : den == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(num / den);
                if (Double.isNaN(maxAbs) || Double.isNaN(rel)) {
                    rel = Double.NaN;
                }
                out.printf("%-48s %12.4e %12.4e%s%n", k, maxAbs, rel,
                        ta.dtype() == tb.dtype() ? "" : "  (" + ta.dtype() + " vs " + tb.dtype() + ")");
                worst = Double.isNaN(rel) ? Double.NaN : Math.max(worst, rel);
                if (tolerance != null && !(rel <= tolerance)) {
                    problems++;
                }
            }
            for (String k : sb.names()) {
                if (!sa.contains(k)) {
                    out.printf("%-48s only in B %s%n", k, StateDict.shape(sb.get(k).shape()));
                    problems++;
                }
            }
            out.printf("%d tensors in A, %d in B; worst rel-L2 %.4e; %d problem%s%n", sa.size(), sb.size(), worst,
                    problems, problems == 1 ? "" : "s");
            out.flush();
            return problems == 0 ? 0 : 1;
        } catch (WeightsException e) {
            out.flush();
            return WeightsCli.fail(spec, e);
        }
    }
}

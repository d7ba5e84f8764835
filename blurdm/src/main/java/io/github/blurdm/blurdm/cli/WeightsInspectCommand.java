package io.github.blurdm.blurdm.cli;

import io.github.blurdm.blurdm.BlurdmModel;
import io.github.blurdm.blurdm.backbone.BackboneFamily;
import io.github.blurdm.weights.ModelConfig;
import io.github.blurdm.weights.PyObject;
import io.github.blurdm.weights.PyTuple;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.StateDict;
import io.github.blurdm.weights.TorchCheckpoint;
import io.github.blurdm.weights.TorchTensor;
import io.github.blurdm.weights.WeightsException;
import io.github.blurdm.weights.WeightsFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code blurdm weights inspect FILE}: format, state dicts with names, dtypes and shapes, other entries summarised. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"List a weight file's tensors (name, dtype, shape), parameter counts, the state dicts of a "
                + "training checkpoint and a summary of its other entries (epoch, args ...).",
                "Nothing in the file is executed: Python objects are shown as inert placeholders."})
final class WeightsInspectCommand implements Callable<Integer> {
    private static final int SUMMARY_CHARS = 160;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "a .pth/.pt checkpoint or a .safetensors file")
    private Path file;

    @CommandLine.Option(names = "--all", description = "also list tensors outside state dicts (optimizer state ...)")
    private boolean all;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            WeightsFormat f = WeightsFormat.detect(file);
            if (f == WeightsFormat.SAFETENSORS) {
                inspectSafetensors(out);
            } else {
                inspectTorch(out);
            }
            printConventions(out);
            out.flush();
            return 0;
        } catch (WeightsException e) {
            out.flush();
            return WeightsCli.fail(spec, e);
        }
    }

    private void inspectSafetensors(PrintWriter out) throws WeightsException {
        try (SafetensorsFile sf = SafetensorsFile.open(file)) {
            out.printf("file      %s%nformat    safetensors%n", file);
            Optional<ModelConfig> cfg = sf.modelConfig();
            if (cfg.isPresent()) {
                out.printf("model     %s %s%n", cfg.get().architecture(), cfg.get().config());
            }
            for (Map.Entry<String, String> m : sf.metadata().entrySet()) {
                if (!m.getKey().equals(ModelConfig.ARCHITECTURE_KEY) && !m.getKey().equals(ModelConfig.CONFIG_KEY)) {
                    out.printf("metadata  %s = %s%n", m.getKey(), clip(m.getValue()));
                }
            }
            long params = 0;
            for (String k : sf.keys()) {
                params += numel(sf.shape(k));
            }
            out.printf("tensors   %d, %,d parameters%n", sf.keys().size(), params);
            for (String k : sf.keys()) {
                out.printf("  %-48s %-4s %s%n", k, sf.dtype(k), StateDict.shape(sf.shape(k)));
            }
        }
    }

    private void inspectTorch(PrintWriter out) throws WeightsException {
        try (TorchCheckpoint ck = TorchCheckpoint.open(file)) {
            Map<String, TorchTensor> tensors = ck.tensors();
            String order = ck.byteOrder().toString().toLowerCase(java.util.Locale.ROOT).replace("_endian", "-endian");
            out.printf("file      %s%nformat    %s%n", file, ck.isLegacy()
                    ? "PyTorch legacy checkpoint (torch.save before 1.6 or without the zip format, " + order + ")"
                    : "PyTorch zip checkpoint (root '" + ck.root() + "', " + order + ")");
            long params = 0;
            for (TorchTensor t : tensors.values()) {
                params += t.numel();
            }
            out.printf("tensors   %d in all, %,d elements%n", tensors.size(), params);
            List<String> sds = ck.stateDictKeys();
            out.printf("state dicts: %s%n", sds.isEmpty() ? "none" : sds.contains("") ? "the whole file"
                    : String.join(", ", sds));
            for (String key : sds) {
                Map<?, ?> sd = key.isEmpty() ? (Map<?, ?>) ck.data() : (Map<?, ?>) ((Map<?, ?>) ck.data()).get(key);
                long n = 0;
                for (Object t : sd.values()) {
                    n += ((TorchTensor) t).numel();
                }
                out.printf("%s: %d tensors, %,d parameters%n", key.isEmpty() ? "state dict" : key, sd.size(), n);
                for (Map.Entry<?, ?> e : sd.entrySet()) {
                    TorchTensor t = (TorchTensor) e.getValue();
                    out.printf("  %-48s %-4s %s%s%n", e.getKey(), t.dtype(), StateDict.shape(t.shape()),
                            t.isContiguous() ? "" : " (strided view)");
                }
            }
            if (ck.data() instanceof Map<?, ?> top && !sds.contains("")) {
                boolean header = false;
                for (Map.Entry<?, ?> e : top.entrySet()) {
                    if (e.getKey() instanceof String k && sds.contains(k)) {
                        continue;
                    }
                    if (!header) {
                        out.println("other entries:");
                        header = true;
                    }
                    out.printf("  %-16s %s%n", str(e.getKey()), describe(e.getValue()));
                }
            } else if (!(ck.data() instanceof Map<?, ?>)) {
                out.printf("content   %s%n", describe(ck.data()));
            }
            if (all) {
                out.println("all tensors:");
                for (Map.Entry<String, TorchTensor> e : tensors.entrySet()) {
                    out.printf("  %-56s %-4s %s%n", e.getKey(), e.getValue().dtype(),
                            StateDict.shape(e.getValue().shape()));
                }
            }
        }
    }

    /** For a file with a backbone: which network it is, and the conventions it would run with, and why. */
    private void printConventions(PrintWriter out) {
        try {
            Optional<BlurdmModel.Found> found = BlurdmModel.describe(file, null, null);
            found.ifPresent(f -> {
                BackboneFamily family = f.network().backbone().family();
                out.printf("backbone  %s (architecture %s; output %s)%n", f.network().displayName(),
                        family.architecture(), family.output());
                out.printf("%s%n", f.conventions().describe());
            });
        } catch (WeightsException e) {
            out.printf("conventions unknown: %s%n", e.getMessage());
        }
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** A one-line summary of an unpickled value, clipped; cycles and depth are bounded. */
    static String describe(Object o) {
        StringBuilder b = new StringBuilder();
        describe(o, b, 0, Collections.newSetFromMap(new IdentityHashMap<>()));
        return clip(b.toString());
    }

    private static void describe(Object o, StringBuilder b, int depth, Set<Object> seen) {
        if (b.length() > SUMMARY_CHARS) {
            return;
        }
        if (o == null || o instanceof Boolean || o instanceof Number) {
            b.append(o == null ? "None" : o instanceof Boolean x ? (x ? "True" : "False") : o);
        } else if (o instanceof String s) {
            b.append('\'').append(s.length() > 60 ? s.substring(0, 60) + "..." : s).append('\'');
        } else if (o instanceof byte[] a) {
            b.append("bytes[").append(a.length).append(']');
        } else if (o instanceof TorchTensor t) {
            b.append("tensor ").append(t.dtype()).append(StateDict.shape(t.shape()));
        } else if (depth >= 3 || !seen.add(o)) {
            b.append(o instanceof Map<?, ?> m ? "{" + m.size() + " entries}" : o instanceof List<?> l
                    ? "[" + l.size() + " items]" : o instanceof PyObject p ? p.qualifiedName() + "(...)" : "...");
        } else if (o instanceof Map<?, ?> m) {
            b.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (b.length() > SUMMARY_CHARS) {
                    break;
                }
                b.append(i++ == 0 ? "" : ", ").append(str(e.getKey())).append(": ");
                describe(e.getValue(), b, depth + 1, seen);
            }
            b.append('}');
            seen.remove(o);
        } else if (o instanceof List<?> l) {
            b.append(o instanceof PyTuple ? '(' : '[');
            for (int i = 0; i < l.size() && b.length() <= SUMMARY_CHARS; i++) {
                b.append(i == 0 ? "" : ", ");
                describe(l.get(i), b, depth + 1, seen);
            }
            b.append(o instanceof PyTuple ? ')' : ']');
            seen.remove(o);
        } else if (o instanceof PyObject p) {
            b.append(p.qualifiedName());
            if (p.called()) {
                b.append('(');
                if (p.state() instanceof Map<?, ?> st && p.args().isEmpty()) {
                    int i = 0;
                    for (Map.Entry<?, ?> e : st.entrySet()) {
                        if (b.length() > SUMMARY_CHARS) {
                            break;
                        }
                        b.append(i++ == 0 ? "" : ", ").append(str(e.getKey())).append('=');
                        describe(e.getValue(), b, depth + 1, seen);
                    }
                } else {
                    for (int i = 0; i < p.args().size() && b.length() <= SUMMARY_CHARS; i++) {
                        b.append(i == 0 ? "" : ", ");
                        describe(p.args().get(i), b, depth + 1, seen);
                    }
                }
                b.append(')');
            }
            seen.remove(o);
        } else {
            b.append(o.getClass().getSimpleName());
        }
    }

    private static String str(Object k) {
        return k instanceof String s ? s : k == null ? "None" : k instanceof Number || k instanceof Boolean
                ? String.valueOf(k) : k.getClass().getSimpleName();
    }

    private static String clip(String s) {
        String one = s.replaceAll("\\p{Cntrl}", " ");
        return one.length() > SUMMARY_CHARS ? one.substring(0, SUMMARY_CHARS) + " ..." : one;
    }
}

package io.github.blurdm.runtime.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the kernels of a kernel file for the emulated device: reads the file as the C preprocessor
 * leaves it under {@code cuda_emu.h}'s scan mode, where {@code __global__}, {@code __launch_bounds__}
 * and {@code __shared__} expand to the markers {@code __emu_kernel__}, {@code __emu_bounds__(...)} and
 * {@code __emu_shared__} (kernels defined through macros are found too), and writes the footer
 * that registers them ({@code EMU_MODULE}) and defines the arrays behind {@code extern __shared__}.
 * Stateless.
 */
final class KernelScan {
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");
    private static final Pattern DYNAMIC_SHARED =
            Pattern.compile("extern\\s+__emu_shared__\\s+([A-Za-z_][A-Za-z_0-9\\s:*]*?)\\s*\\b([A-Za-z_][A-Za-z_0-9]*)\\s*\\[\\s*\\]");

    /**
     * One kernel.
     *
     * @param bounds the argument of {@code __launch_bounds__} (its first, the thread limit), or null
     * @param params parameter names in order
     */
    record Kernel(String name, String bounds, List<String> params) {
    }

    private KernelScan() {
    }

    /** The kernels of a preprocessed (scan mode) file, in source order. */
    static List<Kernel> kernels(String text, String file) {
        List<Kernel> out = new ArrayList<>();
        int at = 0;
        while ((at = text.indexOf("__emu_kernel__", at)) >= 0) {
            int p = skipSpace(text, at + "__emu_kernel__".length());
            p = expect(text, p, "void", file);
            String bounds = null;
            p = skipSpace(text, p);
            if (text.startsWith("__emu_bounds__", p)) {
                int open = skipSpace(text, p + "__emu_bounds__".length());
                int close = matching(text, open, file);
                bounds = firstArgument(text.substring(open + 1, close));
                p = skipSpace(text, close + 1);
            }
            Matcher m = IDENT.matcher(text);
            if (!m.find(p) || m.start() != p) {
                throw new CudaException(file + ": cannot read the kernel name after __global__ near: " + near(text, p));
            }
            String name = m.group();
            int open = skipSpace(text, m.end());
            int close = matching(text, open, file);
            out.add(new Kernel(name, bounds, parameterNames(text.substring(open + 1, close), name, file)));
            at = close;
        }
        return out;
    }

    /** {@code extern __shared__} arrays: name to element type (one type per name in a file). */
    static Map<String, String> dynamicShared(String text, String file) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = DYNAMIC_SHARED.matcher(text);
        while (m.find()) {
            String type = m.group(1).trim().replaceAll("\\s+", " ");
            String old = out.putIfAbsent(m.group(2), type);
            if (old != null && !old.equals(type)) {
                throw new CudaException(file + ": extern __shared__ array '" + m.group(2) + "' declared as " + old + " and as "
                        + type + "; the emulated device needs one type per name");
            }
        }
        return out;
    }

    /** The module footer: the dynamic shared arrays and the kernel table. */
    static String footer(List<Kernel> kernels, Map<String, String> shared) {
        StringBuilder b = new StringBuilder("\n#line 1 \"(emulator footer)\"\n");
        for (Map.Entry<String, String> e : shared.entrySet()) {
            b.append("alignas(16) thread_local ").append(e.getValue()).append(' ').append(e.getKey())
                    .append("[EMU_MAX_DYNAMIC_SHARED / sizeof(").append(e.getValue()).append(")];\n");
        }
        b.append("EMU_MODULE(\n");
        for (int i = 0; i < kernels.size(); i++) {
            Kernel k = kernels.get(i);
            b.append("    EMU_KERNEL(").append(k.name()).append(", ").append(k.bounds() == null ? "0" : "(" + k.bounds() + ")")
                    .append(", \"").append(String.join(",", k.params())).append("\")")
                    .append(i + 1 < kernels.size() ? ",\n" : ")\n");
        }
        return b.toString();
    }

    private static List<String> parameterNames(String list, String kernel, String file) {
        List<String> names = new ArrayList<>();
        String trimmed = list.trim();
        if (trimmed.isEmpty() || trimmed.equals("void")) {
            return names;
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= list.length(); i++) {
            char c = i < list.length() ? list.charAt(i) : ',';
            if (c == '(' || c == '[' || c == '<') {
                depth++;
            } else if (c == ')' || c == ']' || c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String param = list.substring(start, i);
                int eq = param.indexOf('=');
                if (eq >= 0) {
                    param = param.substring(0, eq);
                }
                Matcher m = IDENT.matcher(param);
                String last = null;
                while (m.find()) {
                    last = m.group();
                }
                if (last == null) {
                    throw new CudaException(file + ": cannot read parameter " + (names.size() + 1) + " of kernel " + kernel);
                }
                names.add(last);
                start = i + 1;
            }
        }
        return names;
    }

    private static String firstArgument(String args) {
        int depth = 0;
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                return args.substring(0, i).trim();
            }
        }
        return args.trim();
    }

    private static int skipSpace(String s, int p) {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
        return p;
    }

    private static int expect(String s, int p, String word, String file) {
        if (!s.startsWith(word, p)) {
            throw new CudaException(file + ": expected '" + word + "' after __global__ near: " + near(s, p));
        }
        return p + word.length();
    }

    private static int matching(String s, int open, String file) {
        if (open >= s.length() || s.charAt(open) != '(') {
            throw new CudaException(file + ": expected '(' near: " + near(s, open));
        }
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new CudaException(file + ": unbalanced parentheses near: " + near(s, open));
    }

    private static String near(String s, int p) {
        return s.substring(Math.max(0, p), Math.min(s.length(), p + 60)).replace('\n', ' ');
    }
}

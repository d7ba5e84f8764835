import java.util.Map;

/**
 * Checks, on a CPU machine, that JCuda finds the JNI libraries the engine needs in the (repacked)
 * natives jar on the class path: for each name given (JCudaDriver, JNvrtc, JCudaRuntime,
 * JNvPTXCompiler) it initialises the JCuda class that loads it. On a machine with the CUDA driver the
 * load succeeds; without one it must fail only after JCuda extracted the library from the jar, on the
 * CUDA library that library links (libcuda.so.1, libnvrtc.so.12, ...), never because the JNI library
 * is missing. Prints one line per library; exit status 1 when one is missing.
 * Run by bench/gpu/prepare.sh with the JDK's source launcher:
 *   java -Djava.io.tmpdir=DIR -cp 'bench/gpu/carry/lib/*' bench/gpu/JCudaNativesCheck.java JCudaDriver JNvrtc
 */
public class JCudaNativesCheck {
    private static final Map<String, String> CLASSES = Map.of(
            "JCudaDriver", "jcuda.driver.JCudaDriver",
            "JNvrtc", "jcuda.nvrtc.JNvrtc",
            "JCudaRuntime", "jcuda.runtime.JCuda",
            "JNvPTXCompiler", "jcuda.nvptxcompiler.JNvPTXCompiler");

    public static void main(String[] args) {
        int bad = 0;
        for (String lib : args) {
            String cls = CLASSES.get(lib);
            if (cls == null) {
                System.out.println(lib + ": unknown JCuda library");
                bad++;
                continue;
            }
            try {
                Class.forName(cls);
                System.out.println(lib + ": loaded (" + cls + ")");
                continue;
            } catch (Throwable t) {
                StringBuilder all = new StringBuilder();
                for (Throwable e = t; e != null; e = e.getCause()) {
                    all.append(e.getMessage()).append('\n');
                }
                // JCuda's message nests the attempts; the resource attempt names the extracted file,
                // "<tmp>/lib<lib>-<version>-linux-x86_64.so: <dependency>: cannot open shared object file"
                String text = all.toString();
                java.util.regex.Matcher m = java.util.regex.Pattern
                        .compile("/lib" + lib + "-[^/:\\s]*\\.so: ([^:\\s]+): cannot open shared object file")
                        .matcher(text);
                if (m.find()) {
                    System.out.println(lib + ": extracted from the jar by JCuda's loader; loading it needs " + m.group(1)
                            + ", absent here (no CUDA on this machine): OK");
                } else {
                    System.out.println(lib + ": NOT LOADABLE (" + cls + "):\n" + text);
                    bad++;
                }
            }
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}

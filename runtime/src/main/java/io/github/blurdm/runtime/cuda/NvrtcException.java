package io.github.blurdm.runtime.cuda;

import java.util.List;

/** NVRTC could not compile a kernel file: carries the file, the options and NVRTC's full log. */
public final class NvrtcException extends CudaException {
    private static final long serialVersionUID = 1L;

    /** The kernel file. */
    private final String file;
    /** The NVRTC options. */
    private final List<String> options;
    /** NVRTC's program log. */
    private final String log;

    /** A failed compilation of {@code file} with {@code options}: what failed and NVRTC's program log. */
    public NvrtcException(String file, List<String> options, String what, String log) {
        super("NVRTC failed to compile " + file + " with options " + options + ": " + what
                + (log == null || log.isBlank() ? "" : "\n--- NVRTC log ---\n" + log.strip()));
        this.file = file;
        this.options = List.copyOf(options);
        this.log = log == null ? "" : log;
    }

    /** The kernel file that failed to compile. */
    public String file() {
        return file;
    }

    /** The NVRTC options it was compiled with. */
    public List<String> options() {
        return options;
    }

    /** NVRTC's program log (the compiler's messages), possibly empty. */
    public String log() {
        return log;
    }
}

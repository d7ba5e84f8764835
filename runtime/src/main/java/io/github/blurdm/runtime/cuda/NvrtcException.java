package io.github.blurdm.runtime.cuda;

import java.util.List;

/** NVRTC could not compile a kernel file: carries the file, the options and NVRTC's full log. */
public final class NvrtcException extends CudaException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final List<String> options;
    private final String log;

    public NvrtcException(String file, List<String> options, String what, String log) {
        super("NVRTC failed to compile " + file + " with options " + options + ": " + what
                + (log == null || log.isBlank() ? "" : "\n--- NVRTC log ---\n" + log.strip()));
        this.file = file;
        this.options = List.copyOf(options);
        this.log = log == null ? "" : log;
    }

    public String file() {
        return file;
    }

    public List<String> options() {
        return options;
    }

    public String log() {
        return log;
    }
}

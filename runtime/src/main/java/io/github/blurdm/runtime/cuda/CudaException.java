package io.github.blurdm.runtime.cuda;

/**
 * A CUDA driver or device fault (unchecked): the message names the call or kernel, its launch
 * shape where there is one, and the driver's error name.
 */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error saying what failed and how. */
    public CudaException(String message) {
        super(message);
    }

    /** An error with the exception that caused it. */
    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.github.blurdm.spark;

/**
 * No engine could be built on an executor (weights missing there or unreadable, CUDA asked for and not
 * usable): unlike a bad image, this fails the task, and so the job, with the reason.
 */
final class EngineUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

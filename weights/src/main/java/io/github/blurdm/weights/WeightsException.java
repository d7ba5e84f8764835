package io.github.blurdm.weights;

/** A weights or fixture file is unreadable, corrupt or not what was expected; the message names the file. */
public class WeightsException extends Exception {
    private static final long serialVersionUID = 1L;

    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}

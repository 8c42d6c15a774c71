package org.fmnist.core.tracking;

/**
 * The tracking server could not be used.
 *
 * @see #isTransient() whether waiting could help (server down, overloaded) or not (bad credentials)
 */
public class TrackingException extends RuntimeException {
    private final boolean transientFailure;

    public TrackingException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /** True for unreachable servers, timeouts, 429 and 5xx; false for refusals such as bad credentials. */
    public boolean isTransient() {
        return transientFailure;
    }
}

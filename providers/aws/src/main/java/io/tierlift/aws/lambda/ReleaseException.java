package io.tierlift.aws.lambda;

/**
 * Building a release failed; the message says what and why ("what happened: why").
 *
 * <p>Same as {@code io.tierlift.onprem.release.ReleaseException}, which this module cannot depend on; both are
 * meant to become one class in core. Keep them identical until then.
 */
public class ReleaseException extends RuntimeException {
    public ReleaseException(String message) {
        super(message);
    }

    public ReleaseException(String message, Throwable cause) {
        super(message, cause);
    }
}

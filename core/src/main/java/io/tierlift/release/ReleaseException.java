package io.tierlift.release;

/** Building a release failed; the message says what and why ("what happened: why"). */
public class ReleaseException extends RuntimeException {
    public ReleaseException(String message) {
        super(message);
    }

    public ReleaseException(String message, Throwable cause) {
        super(message, cause);
    }
}

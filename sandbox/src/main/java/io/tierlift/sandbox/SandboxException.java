package io.tierlift.sandbox;

/** A sandbox operation could not be done; the message says what went wrong and, where possible, what to do. */
public class SandboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}

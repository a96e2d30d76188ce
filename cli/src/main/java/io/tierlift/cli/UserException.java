package io.tierlift.cli;

/** A failure the user can act on: printed as one line, no stack trace, exit 1 unless told otherwise. */
public class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(String message) {
        this(message, ExitCode.FAILED);
    }

    public UserException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

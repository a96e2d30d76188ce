package io.tierlift.aws;

/** A stack-set operation (deploy, destroy) that could not be done, with a message meant for the operator. */
public final class StackSetException extends RuntimeException {
    public StackSetException(String message) {
        super(message);
    }

    public StackSetException(String message, Throwable cause) {
        super(message, cause);
    }
}

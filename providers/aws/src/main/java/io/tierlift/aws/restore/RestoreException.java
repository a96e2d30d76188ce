package io.tierlift.aws.restore;

/** A restore refused or failed, with the operator's sentence: what happened, what was changed, what to do. */
public final class RestoreException extends RuntimeException {
    public RestoreException(String message) {
        super(message);
    }
}

package io.tierlift.migrate;

/** A migration step that cannot go on. The message says what happened and why; it never carries a secret. */
public class MigrationException extends RuntimeException {
    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}

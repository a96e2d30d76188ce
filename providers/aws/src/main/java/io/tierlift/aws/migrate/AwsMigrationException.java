package io.tierlift.aws.migrate;

/** What stops a migration step on AWS, worded for the operator. */
public final class AwsMigrationException extends RuntimeException {
    public AwsMigrationException(String message) {
        super(message);
    }
}

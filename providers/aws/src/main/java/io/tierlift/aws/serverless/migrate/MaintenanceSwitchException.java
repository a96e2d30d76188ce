package io.tierlift.aws.serverless.migrate;

/** The maintenance switch could not be set; the message says why. */
public final class MaintenanceSwitchException extends RuntimeException {
    public MaintenanceSwitchException(String message) {
        super(message);
    }
}

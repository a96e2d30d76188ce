package io.tierlift.onprem.deploy;

/** A saved plan no longer matches the hosts or the descriptor. */
public class StalePlanException extends RuntimeException {
    public StalePlanException(String message) {
        super(message);
    }
}

package io.tierlift.onprem.deploy;

/** The operator said no at the confirmation; nothing was changed. */
public class DeployCancelledException extends RuntimeException {
    public DeployCancelledException(String message) {
        super(message);
    }
}

package io.tierlift.onprem.ssh;

/** Connecting or talking to a host failed; the message names the host and says why. */
public class SshException extends RuntimeException {
    public SshException(String message) {
        super(message);
    }

    public SshException(String message, Throwable cause) {
        super(message, cause);
    }
}

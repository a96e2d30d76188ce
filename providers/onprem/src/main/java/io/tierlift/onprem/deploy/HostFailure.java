package io.tierlift.onprem.deploy;

/** A step failed on one host; the message says which host and what the host answered. */
public class HostFailure extends RuntimeException {
    private final String host;

    public HostFailure(String host, String message) {
        super(host + ": " + message);
        this.host = host;
    }

    public String host() {
        return host;
    }
}

package io.tierlift.render.onprem.firewall;

/**
 * The descriptor passed validation but describes something the on-prem files cannot express,
 * e.g. a host name where an allow-list needs an IP address. The message says what and why.
 */
public class UnsupportedTopologyException extends RuntimeException {
    public UnsupportedTopologyException(String message) {
        super(message);
    }
}

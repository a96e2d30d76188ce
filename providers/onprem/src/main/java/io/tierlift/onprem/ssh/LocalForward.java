package io.tierlift.onprem.ssh;

/**
 * An open local port forward: connections to 127.0.0.1:{@link #localPort()} reach
 * {@code remoteHost:remotePort} as seen from the SSH host. Closing it stops the listener; the SSH
 * session that carries it is closed with it when the forward owns the session.
 */
public final class LocalForward implements AutoCloseable {
    public static final String BIND_ADDRESS = "127.0.0.1";

    private final String sshHost;
    private final int localPort;
    private final String remoteHost;
    private final int remotePort;
    private final Runnable onClose;
    private boolean closed;

    public LocalForward(String sshHost, int localPort, String remoteHost, int remotePort, Runnable onClose) {
        this.sshHost = sshHost;
        this.localPort = localPort;
        this.remoteHost = remoteHost;
        this.remotePort = remotePort;
        this.onClose = onClose;
    }

    public int localPort() {
        return localPort;
    }

    /** "127.0.0.1:40123 -> 10.0.0.21:5432 via db1" for progress lines. */
    public String describe() {
        return BIND_ADDRESS + ":" + localPort + " -> " + remoteHost + ":" + remotePort + " via " + sshHost;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}

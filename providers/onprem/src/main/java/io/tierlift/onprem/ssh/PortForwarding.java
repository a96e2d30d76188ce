package io.tierlift.onprem.ssh;

/**
 * A connection that can forward a local TCP port to an address the remote host reaches, as
 * {@code ssh -L 127.0.0.1:LOCAL:HOST:PORT} does. Only loopback is ever bound on this machine, so
 * nobody else on the network can use the tunnel.
 */
public interface PortForwarding {
    /**
     * Opens the forward. {@code preferredLocalPort} 0 takes any free port; another value asks for
     * that port (a resumed run reuses the port an earlier run recorded) and fails if it is taken.
     */
    LocalForward forwardLocal(int preferredLocalPort, String remoteHost, int remotePort);
}

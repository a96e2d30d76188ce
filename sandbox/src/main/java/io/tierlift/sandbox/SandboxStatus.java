package io.tierlift.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * What is running right now.
 *
 * @param recorded true when a sandbox is recorded in the state directory (false: nothing was brought up)
 * @param kind     {@code namespaces} (hosts sharing this machine's software) or {@code machines (debian12)} (booted
 *                 Debian roots); empty when nothing is recorded
 * @param hosts    the recorded hosts, each checked now
 */
public record SandboxStatus(boolean recorded, String kind, List<Host> hosts, Path sshConfig, Path knownHosts,
                            Path identityFile) {

    public SandboxStatus {
        hosts = List.copyOf(hosts);
    }

    /**
     * @param running      the host's init process is alive
     * @param sshAccepting its sshd accepts TCP connections on address:22
     * @param system       for a machine, what {@code systemctl is-system-running} says in it (running, degraded,
     *                     starting...); empty for a namespace host, which runs no systemd
     */
    public record Host(String name, String address, boolean running, boolean sshAccepting, String system) {
        public boolean up() {
            return running && sshAccepting;
        }
    }

    /** True when a sandbox is recorded and every host is up. */
    public boolean allUp() {
        return recorded && !hosts.isEmpty() && hosts.stream().allMatch(Host::up);
    }

    /** True when any recorded host still has a live process (it is at least partly up). */
    public boolean anyRunning() {
        return hosts.stream().anyMatch(Host::running);
    }
}

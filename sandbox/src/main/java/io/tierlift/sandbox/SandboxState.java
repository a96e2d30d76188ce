package io.tierlift.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * A sandbox that is up: its spec, its running hosts and the client files to reach them.
 *
 * @param sshConfig    OpenSSH client config with one {@code Host NAME} block per host ({@code ssh -F sshConfig NAME})
 * @param knownHosts   the hosts' ed25519 host keys, by address and by name
 * @param identityFile private key (ed25519, no passphrase) that root on every host accepts
 */
public record SandboxState(SandboxSpec spec, List<Host> hosts, Path sshConfig, Path knownHosts, Path identityFile) {

    public SandboxState {
        hosts = List.copyOf(hosts);
    }

    /**
     * A running host.
     *
     * @param pid1       machine-side PID of the host's init (its sshd, PID 1 inside the host)
     * @param unsharePid machine-side PID of the {@code unshare} process that holds the host's namespaces
     */
    public record Host(String name, String address, String netns, String veth, long pid1, long unsharePid) { }

    public Host host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no host named " + name + " in the sandbox"));
    }
}

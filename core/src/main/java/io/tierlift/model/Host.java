package io.tierlift.model;

import java.util.Optional;
import java.util.Set;

/**
 * One on-prem host. {@code address} is what other hosts use to reach it (and what services bind
 * to); {@code sshHost} is what tierlift connects to, defaulting to the address, and may name a
 * Host entry of the operator's OpenSSH config.
 */
public record Host(String name, String address, String zone, Set<Role> roles, Optional<String> sshHost,
                   Optional<Integer> sshPort, Optional<Integer> workers) {
    public Host {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    public String sshTarget() {
        return sshHost.orElse(address);
    }
}

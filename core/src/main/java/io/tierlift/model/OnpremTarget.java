package io.tierlift.model;

import java.util.List;
import java.util.Optional;

/** The on-prem tier: hosts with roles in zones, reached over SSH. */
public record OnpremTarget(SshSettings ssh, String domain, Optional<TlsSettings> tls, WafSettings waf,
                           EdgeSettings edge, List<Cidr> adminNetworks, List<Host> hosts,
                           String appRoot, int releasesKept) {
    public OnpremTarget {
        adminNetworks = List.copyOf(adminNetworks);
        hosts = List.copyOf(hosts);
    }

    public List<Host> hostsWith(Role role) {
        return hosts.stream().filter(h -> h.has(role)).toList();
    }

    public Optional<Host> firstWith(Role role) {
        return hosts.stream().filter(h -> h.has(role)).findFirst();
    }

    public Optional<Host> host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }
}

package io.tierlift.render.onprem.firewall;

import io.tierlift.model.Host;
import io.tierlift.model.Ipv4;

/**
 * The address of a host as it appears in allow-lists (nftables rules, pg_hba.conf, Gunicorn's
 * forwarded_allow_ips). Allow-lists match the source address of packets, so they need an IP
 * address: a host name would be resolved once when the file is loaded (nftables), on every
 * connection (pg_hba) or not at all (Gunicorn). The descriptor accepts host names for
 * {@code address}, so the check lives here until the descriptor rules refuse them for on-prem hosts.
 */
public final class SourceAddresses {
    /** The host's address as a single-address network, e.g. {@code 10.0.2.11/32}. */
    public String network(Host host, String usedFor) {
        return address(host, usedFor) + "/32";
    }

    /** The host's address, e.g. {@code 10.0.2.11}. */
    public String address(Host host, String usedFor) {
        if (!Ipv4.isValid(host.address())) {
            throw new UnsupportedTopologyException("host " + host.name() + ": address " + host.address()
                    + " is not an IPv4 address: " + usedFor + " matches packets by source address, so it needs one");
        }
        return host.address();
    }
}

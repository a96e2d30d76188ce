package io.tierlift.render.onprem.firewall;

import java.util.Optional;

/**
 * One TCP connection the topology needs: from a host (or from anywhere, when {@code fromHost} is
 * empty: the clients) to a host's port. Host firewalls open exactly these, besides SSH.
 */
public record Flow(Optional<String> fromHost, String toHost, int port, FlowPurpose purpose) {
    public static Flow fromAnywhere(String toHost, int port, FlowPurpose purpose) {
        return new Flow(Optional.empty(), toHost, port, purpose);
    }

    public static Flow between(String fromHost, String toHost, int port, FlowPurpose purpose) {
        return new Flow(Optional.of(fromHost), toHost, port, purpose);
    }
}

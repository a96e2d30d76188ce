package io.tierlift.diagram;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.render.onprem.firewall.Flow;
import io.tierlift.render.onprem.firewall.FlowPurpose;
import io.tierlift.render.onprem.firewall.TopologyFlows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The on-prem topology as a flowchart: one subgraph per zone, one node per host (name, address,
 * roles), and the connections the host firewalls open ({@link TopologyFlows}) as edges with
 * their ports. Using the firewall's flows keeps the picture and the deployed rules from drifting.
 */
public final class OnpremDiagram {
    static final String CLIENTS = "clients";

    private final TopologyFlows topologyFlows;

    public OnpremDiagram(TopologyFlows topologyFlows) {
        this.topologyFlows = topologyFlows;
    }

    public String mermaid(AppDescriptor app) {
        OnpremTarget target = app.targets().onprem()
                .orElseThrow(() -> new IllegalArgumentException("the descriptor has no targets.onprem section"));
        Flowchart chart = new Flowchart("LR");
        chart.root().node(CLIENTS, "clients\n" + target.domain(), Flowchart.Shape.ROUNDED);
        for (Host host : target.hosts()) {
            chart.root().subgraph(Flowchart.id("zone", host.zone()), "zone " + host.zone())
                    .node(hostId(host.name()), host.name() + "\n" + host.address() + "\n" + roles(host),
                            host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY) ? Flowchart.Shape.CYLINDER : Flowchart.Shape.BOX);
        }
        // Several flows between the same two hosts (HTTP and HTTPS) share one arrow.
        Map<String, List<Flow>> byPair = new LinkedHashMap<>();
        for (Flow flow : topologyFlows.flows(app, target)) {
            byPair.computeIfAbsent(flow.fromHost().orElse("") + "\u0000" + flow.toHost(), k -> new java.util.ArrayList<>()).add(flow);
        }
        for (List<Flow> flows : byPair.values()) {
            Flow first = flows.get(0);
            String from = first.fromHost().map(OnpremDiagram::hostId).orElse(CLIENTS);
            boolean replication = flows.stream().allMatch(f -> f.purpose() == FlowPurpose.REPLICATION
                    || f.purpose() == FlowPurpose.REVERSE_REPLICATION);
            String label = flows.stream().map(f -> f.port() + " " + f.purpose().key()).collect(Collectors.joining("\n"));
            chart.edge(from, hostId(first.toHost()), replication ? Flowchart.Line.DOTTED : Flowchart.Line.SOLID, label);
        }
        return chart.text();
    }

    static String hostId(String hostName) {
        return Flowchart.id("host", hostName);
    }

    private static String roles(Host host) {
        return Arrays.stream(Role.values()).filter(host::has).map(Role::key).collect(Collectors.joining(", "));
    }
}

package io.tierlift.render.onprem.firewall;

import io.tierlift.model.Cidr;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.engine.TemplateEngine;
import io.tierlift.render.onprem.HostFile;
import io.tierlift.render.onprem.HostRoleRenderer;
import io.tierlift.render.onprem.OnpremScope;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An nftables ruleset for every host: incoming traffic is dropped except replies, loopback,
 * ping, SSH from the admin networks and the topology's {@link Flow}s into the host. A oneshot
 * systemd unit loads the same file at boot, so the rules survive a reboot without tierlift.
 */
public final class FirewallRenderer implements HostRoleRenderer {
    public static final String PATH = "/etc/tierlift/firewall.nft";
    /** The boot unit that loads {@link #PATH}; enabled by the deploy on hosts that run systemd. */
    public static final String UNIT = "tierlift-firewall.service";
    public static final String UNIT_PATH = "/etc/systemd/system/" + UNIT;
    static final String TEMPLATE = "onprem/firewall/firewall.nft.ftl";
    static final String UNIT_TEMPLATE = "onprem/firewall/tierlift-firewall.service.unit.ftl";
    private static final String NFT = "/usr/sbin/nft";
    static final int DEFAULT_SSH_PORT = 22;

    private final TemplateEngine engine;
    private final TopologyFlows topology;
    private final SourceAddresses addresses;

    public FirewallRenderer(TemplateEngine engine) {
        this(engine, new TopologyFlows(), new SourceAddresses());
    }

    public FirewallRenderer(TemplateEngine engine, TopologyFlows topology, SourceAddresses addresses) {
        this.engine = engine;
        this.topology = topology;
        this.addresses = addresses;
    }

    @Override
    public List<RenderedFile> render(OnpremScope scope) {
        FirewallRules rules = rules(scope, topology.flows(scope.app(), scope.target()));
        return List.of(HostFile.config(scope, PATH, engine.render(TEMPLATE, rules)),
                HostFile.config(scope, UNIT_PATH, engine.render(UNIT_TEMPLATE, new FirewallUnit(NFT, PATH))));
    }

    FirewallRules rules(OnpremScope scope, List<Flow> flows) {
        OnpremTarget target = scope.target();
        Host host = scope.host();
        // One rule per source and port; purposes that share them are listed together.
        Map<String, FirewallRules.Rule> rules = new LinkedHashMap<>();
        for (Flow flow : flows) {
            if (!flow.toHost().equals(host.name())) {
                continue;
            }
            FirewallRules.Rule rule = flow.fromHost()
                    .map(name -> sourceRule(target, name, flow))
                    .orElseGet(() -> new FirewallRules.Rule(true, "", "", flow.port(), flow.purpose().key()));
            String key = rule.source() + ":" + rule.port();
            FirewallRules.Rule existing = rules.get(key);
            rules.put(key, existing == null ? rule : new FirewallRules.Rule(rule.fromAnywhere(), rule.source(),
                    rule.fromHost(), rule.port(), existing.purposes() + "," + rule.purposes()));
        }
        List<String> admin = new ArrayList<>(target.adminNetworks().stream().map(Cidr::toString).toList());
        int sshPort = host.sshPort().or(() -> target.ssh().port()).orElse(DEFAULT_SSH_PORT);
        return new FirewallRules(host.name(), sshPort, admin.isEmpty(), admin, new ArrayList<>(rules.values()));
    }

    private FirewallRules.Rule sourceRule(OnpremTarget target, String fromHost, Flow flow) {
        Host source = target.host(fromHost)
                .orElseThrow(() -> new IllegalArgumentException("flow from unknown host " + fromHost));
        return new FirewallRules.Rule(false, addresses.network(source, "the host firewall"), fromHost, flow.port(),
                flow.purpose().key());
    }
}

package io.tierlift.render.onprem.firewall;

import java.util.List;

/**
 * View model of one host's {@code firewall.nft}. {@code sshFromAnywhere} is set when the
 * descriptor names no admin networks; {@code rules} are the topology's flows into this host.
 */
public record FirewallRules(String hostName, int sshPort, boolean sshFromAnywhere, List<String> adminNetworks,
                            List<Rule> rules) {
    public FirewallRules {
        adminNetworks = List.copyOf(adminNetworks);
        rules = List.copyOf(rules);
    }

    /**
     * Accept TCP to {@code port}; from {@code source} (an address/32) unless {@code fromAnywhere}.
     * {@code purposes} and {@code fromHost} only label the rule.
     */
    public record Rule(boolean fromAnywhere, String source, String fromHost, int port, String purposes) {
    }
}

package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;
import io.tierlift.model.Host;

import java.util.List;

/** Every host has tierlift's firewall, and its input chain drops what no rule accepts. */
final class FirewallPolicyRule extends OnpremRule {
    FirewallPolicyRule() {
        super("onprem.firewall-policy", Severity.HIGH, "every host's firewall input chain has policy drop",
                "let tierlift place /etc/tierlift/firewall.nft on every host; its input chain is 'policy drop' with the topology's flows accepted");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        for (Host host : files.hosts()) {
            if (!files.hasFirewall(host.name())) {
                findings.add(finding(Where.host(host.name()), "no host firewall (/etc/tierlift/firewall.nft)"));
                continue;
            }
            OnpremFiles.Line input = null;
            for (OnpremFiles.Line line : files.firewall(host.name())) {
                if (line.text().contains("hook input")) {
                    input = line;
                }
            }
            if (input == null) {
                findings.add(finding(Where.file(host.name(), "/etc/tierlift/firewall.nft", 0), "no input chain"));
            } else if (!input.text().replace(" ", "").contains("policydrop;")) {
                findings.add(at(host.name(), input, "the input chain accepts by default: '" + input.text() + "'"));
            }
        }
    }
}

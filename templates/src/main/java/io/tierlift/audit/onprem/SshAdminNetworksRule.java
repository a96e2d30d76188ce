package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;
import io.tierlift.model.Cidr;
import io.tierlift.model.Host;

import java.util.List;
import java.util.regex.Pattern;

/** SSH is reachable from the admin networks only, and the descriptor names them. */
final class SshAdminNetworksRule extends OnpremRule {
    SshAdminNetworksRule() {
        super("onprem.ssh-admin-networks", Severity.MEDIUM, "SSH is accepted from the admin networks only",
                "list where administrators connect from in targets.onprem.admin_networks (e.g. [10.0.0.0/24])");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        List<Cidr> admin = files.target().adminNetworks();
        if (admin.isEmpty()) {
            findings.add(finding(Where.descriptor("targets.onprem.admin_networks"),
                    "no admin networks: every host accepts SSH from anywhere"));
            return;
        }
        for (Cidr network : admin) {
            if (network.prefix() == 0) {
                findings.add(finding(Where.descriptor("targets.onprem.admin_networks"), "admin network " + network + " is the whole Internet"));
            }
        }
        for (Host host : files.hosts()) {
            int port = host.sshPort().orElse(22);
            Pattern ssh = Pattern.compile(".*\\btcp dport " + port + "\\b.*\\baccept\\b.*");
            for (OnpremFiles.Line line : files.firewall(host.name())) {
                if (ssh.matcher(line.text()).matches() && !line.text().contains("saddr")) {
                    findings.add(at(host.name(), line, "SSH accepted from any address"));
                }
            }
        }
    }
}

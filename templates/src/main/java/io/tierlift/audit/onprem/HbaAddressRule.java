package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.model.Host;

import java.util.List;
import java.util.Set;

/** pg_hba.conf names each client host: no address that admits the whole world or a whole network. */
final class HbaAddressRule extends OnpremRule {
    private static final Set<String> OPEN = Set.of("all", "0.0.0.0/0", "::/0", "::0/0", "samenet", "0.0.0.0");

    HbaAddressRule() {
        super("onprem.pg-hba-address", Severity.HIGH, "pg_hba.conf admits named host addresses only, never 0.0.0.0/0 or all",
                "list each app or database host with its /32 address (tierlift renders one line per host of the topology)");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        for (Host host : files.hosts()) {
            for (OnpremFiles.Line line : files.hba(host.name())) {
                HbaLines hba = HbaLines.of(line);
                if (hba.isHost() && OPEN.contains(hba.address())) {
                    findings.add(at(host.name(), line, "host line admits address '" + hba.address() + "'"));
                }
            }
        }
    }
}

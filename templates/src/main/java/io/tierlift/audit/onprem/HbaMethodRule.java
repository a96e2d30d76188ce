package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.model.Host;

import java.util.List;
import java.util.Set;

/** pg_hba.conf authenticates with SCRAM (or peer on the local socket): never trust, md5 or password. */
final class HbaMethodRule extends OnpremRule {
    private static final Set<String> WEAK = Set.of("trust", "md5", "password");

    HbaMethodRule() {
        super("onprem.pg-hba-method", Severity.HIGH, "pg_hba.conf uses no trust, md5 or password authentication",
                "use scram-sha-256 for host lines (password_encryption = 'scram-sha-256') and peer for local ones");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        for (Host host : files.hosts()) {
            for (OnpremFiles.Line line : files.hba(host.name())) {
                HbaLines hba = HbaLines.of(line);
                if (WEAK.contains(hba.method())) {
                    findings.add(at(host.name(), line, "authentication method '" + hba.method() + "'"));
                }
            }
        }
    }
}

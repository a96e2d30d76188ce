package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;
import io.tierlift.model.Host;
import io.tierlift.model.Role;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When the database servers have TLS on, replication uses it: hostssl lines for replication and
 * a standby that insists on TLS. With ssl = off the traffic stays in the trusted zone by design;
 * that is reported as a note (it never fails the audit).
 */
final class ReplicationSslRule extends OnpremRule {
    private static final Pattern SSLMODE = Pattern.compile("sslmode=(\\S+?)(['\\s]|$)");

    ReplicationSslRule() {
        super("onprem.replication-ssl", Severity.MEDIUM, "replication runs over TLS when PostgreSQL has TLS configured",
                "use 'hostssl' for replication lines in pg_hba.conf and sslmode=verify-full (or require) in the standby's primary_conninfo");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        for (Host host : files.hosts()) {
            if (!host.has(Role.DB_PRIMARY) && !host.has(Role.DB_STANDBY)) {
                continue;
            }
            String ssl = files.postgresSetting(host.name(), "ssl").map(OnpremFiles::settingValue).orElse("off");
            if (!List.of("on", "true", "yes", "1").contains(ssl)) {
                if (host.has(Role.DB_PRIMARY)) {
                    findings.add(new Finding(id(), Severity.INFO, Where.host(host.name()),
                            "ssl = off: replication and app traffic to PostgreSQL are not encrypted (they stay inside the trusted zone)", fix()));
                }
                continue;
            }
            for (OnpremFiles.Line line : files.hba(host.name())) {
                HbaLines hba = HbaLines.of(line);
                if (hba.database().equals("replication") && hba.type().equals("host")) {
                    findings.add(at(host.name(), line, "replication is admitted without TLS ('host' instead of 'hostssl')"));
                }
            }
            files.postgresSetting(host.name(), "primary_conninfo").ifPresent(line -> {
                Matcher m = SSLMODE.matcher(line.text());
                String mode = m.find() ? m.group(1) : "prefer";
                if (!List.of("require", "verify-ca", "verify-full").contains(mode)) {
                    findings.add(at(host.name(), line, "the standby connects with sslmode=" + mode + ", which falls back to plain text"));
                }
            });
        }
    }
}

package io.tierlift.onprem.tier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.model.AppDescriptor;
import io.tierlift.onprem.deploy.ArchiveDiagnosis;
import io.tierlift.onprem.deploy.HostFailure;
import io.tierlift.onprem.deploy.HostStatus;
import io.tierlift.onprem.deploy.OnpremBackups;
import io.tierlift.onprem.deploy.WalArchive;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.SshException;
import io.tierlift.onprem.waf.OnpremWaf;
import io.tierlift.provider.Target;
import io.tierlift.render.onprem.edge.EdgeTopology;
import io.tierlift.tier.StatusReport;
import io.tierlift.tier.TierFailure;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code status onprem}: one row per host as the deploy's probe sees it, then the backup, maintenance
 * and WAF rows, each read from the hosts that hold them; the JSON view of the same.
 */
final class OnpremStatus {
    private final AppDescriptor descriptor;
    private final Supplier<Connector> connector;
    private final Supplier<OnpremMigrationTier> edgeSwitch;

    OnpremStatus(AppDescriptor descriptor, Supplier<Connector> connector, Supplier<OnpremMigrationTier> edgeSwitch) {
        this.descriptor = descriptor;
        this.connector = connector;
        this.edgeSwitch = edgeSwitch;
    }

    /** The status of {@code hosts}, with the backup, maintenance and WAF rows read from the hosts. */
    StatusReport report(List<HostStatus> hosts, boolean json) {
        List<String> rows = new ArrayList<>();
        boolean healthy = true;
        for (HostStatus host : hosts) {
            rows.add(String.format("%-10s %-22s %s%s", host.host(), String.join(",", host.roles()),
                    host.healthy() ? "" : "UNHEALTHY: ", String.join("; ", host.facts())));
            healthy &= host.healthy();
        }
        healthy &= backupStatus(rows);
        Optional<List<String>> flagged = maintenanceStatus(rows);
        if (!OnpremWaf.wafHosts(descriptor).isEmpty()) {
            healthy &= wafStatus(rows);
        }
        return new StatusReport(healthy, rows, json ? Optional.of(statusJson(healthy, hosts, flagged)) : Optional.empty());
    }

    /** The WAF rows of status: whether ModSecurity blocks or only detects (a learning period), as placed on each host. */
    private boolean wafStatus(List<String> rows) {
        List<OnpremWaf.EngineState> engines;
        try {
            engines = new OnpremWaf(connector.get()).engines(descriptor);
        } catch (HostFailure | SshException e) {
            rows.add(String.format("%-10s %-22s UNHEALTHY: WAF mode unknown: %s", "waf", "waf", e.getMessage()));
            return false;
        }
        int exclusions = descriptor.targets().onprem().orElseThrow().waf().exclusions().size();
        for (OnpremWaf.EngineState state : engines) {
            String mode = switch (state.engine()) {
                case "On" -> "WAF blocks (SecRuleEngine On)";
                case "DetectionOnly" -> "WAF only detects (SecRuleEngine DetectionOnly, waf.mode: detect): learning period, "
                        + "attacks pass; see tierlift waf report";
                default -> "WAF mode " + state.engine();
            };
            rows.add(String.format("%-10s %-22s %s; %d exclusion(s)", state.host().name(), "waf", mode, exclusions));
        }
        return true;
    }

    /** The backup rows of status: the newest backup's age against the schedules, and whether WAL reaches the repository. */
    private boolean backupStatus(List<String> rows) {
        if (descriptor.database().backup().isEmpty()) {
            return true;
        }
        String host = OnpremBackups.repositoryName(descriptor);
        OnpremBackups.Health health;
        try {
            health = new OnpremBackups(connector.get()).health(descriptor);
        } catch (SshException e) {
            rows.add(String.format("%-10s %-22s UNHEALTHY: the repository host is unreachable, WAL archiving FAILS (%s); "
                    + "fix: bring %s back (power, network, sshd, pgbackrest); PostgreSQL keeps the WAL in pg_wal meanwhile",
                    host, "backup", e.getMessage(), host));
            return false;
        } catch (HostFailure e) {
            rows.add(String.format("%-10s %-22s UNHEALTHY: backups unknown: %s", host, "backup", e.getMessage()));
            return false;
        }
        Instant now = Instant.now();
        boolean overdue = health.overdue(now);
        String latest = health.latest()
                .map(b -> "last backup " + b.id() + " (" + b.type() + ") " + age(Duration.between(b.finished(), now)) + " ago")
                .orElse("no backup yet");
        String archive = health.archiving() ? "WAL archiving works" : "WAL archiving FAILS: " + health.archiveProblem();
        boolean healthy = !overdue && health.archiving();
        rows.add(String.format("%-10s %-22s %s%s%s; %s", host, "backup", healthy ? "" : "UNHEALTHY: ", latest,
                overdue ? " (overdue: the schedules allow " + age(health.allowedAge()) + ")" : "", archive));
        for (ArchiveDiagnosis.Finding finding : health.findings()) {
            rows.add(String.format("%-10s %-22s UNHEALTHY: %s", finding.host(), "backup", finding));
        }
        health.archiver().ifPresent(a -> rows.add(String.format("%-10s %-22s WAL archive lag: %s%s", a.host(), "archive",
                ArchiveDiagnosis.lag(a), a.lastArchivedWal().map(w -> " (" + w + ")").orElse(""))));
        if (health.restorableFrom().isPresent() && health.continuity().isPresent()) {
            WalArchive.Continuity chain = health.continuity().get();
            String timelines = chain.timelines().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
            if (chain.unbroken()) {
                rows.add(String.format("%-10s %-22s restorable from %s: WAL archive unbroken %s..%s (timeline %s)", host, "backup",
                        health.restorableFrom().get(), chain.from(), chain.to(), timelines));
            } else {
                healthy = false;
                rows.add(String.format("%-10s %-22s UNHEALTHY: the WAL archive has a gap, %s missing: a restore cannot replay "
                                + "past it; fix: take a full backup (tierlift backup now onprem --type full) to restore from after it",
                        host, "backup", String.join(", ", chain.missing())));
            }
        }
        return healthy;
    }

    private static String age(Duration d) {
        long minutes = d.toMinutes();
        return minutes < 120 ? minutes + "m" : minutes < 48 * 60 ? d.toHours() + "h" : d.toDays() + "d";
    }

    /**
     * {@code status --output json}: the hosts as the rows show them, and maintenance: true when every
     * edge host has the flag, false when none has, null when only some have or it could not be read;
     * {@code maintenanceHosts} names the hosts that have it.
     */
    private JsonNode statusJson(boolean healthy, List<HostStatus> hosts, Optional<List<String>> flagged) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("target", Target.ONPREM.key());
        root.put("healthy", healthy);
        ArrayNode hostArray = root.putArray("hosts");
        for (HostStatus host : hosts) {
            ObjectNode h = hostArray.addObject();
            h.put("name", host.host());
            host.roles().forEach(h.putArray("roles")::add);
            h.put("healthy", host.healthy());
            host.facts().forEach(h.putArray("facts")::add);
        }
        List<String> edges = OnpremMigrationTier.edgeHostNames(descriptor);
        if (flagged.isPresent() && (flagged.get().isEmpty() || flagged.get().containsAll(edges))) {
            root.put("maintenance", !flagged.get().isEmpty());
        } else {
            root.putNull("maintenance");
        }
        ArrayNode flaggedArray = root.putArray("maintenanceHosts");
        flagged.orElse(List.of()).forEach(flaggedArray::add);
        return root;
    }

    /** The maintenance row of status; returns the edge hosts that have the flag, empty when it could not be read. */
    private Optional<List<String>> maintenanceStatus(List<String> rows) {
        try (OnpremMigrationTier edge = edgeSwitch.get()) {
            List<String> flagged = edge.hostsInMaintenance();
            List<String> edges = edge.edgeHostNames();
            String state;
            if (flagged.isEmpty()) {
                state = "off";
            } else if (flagged.containsAll(edges)) {
                state = "ON: every request gets the 503 maintenance page (flag " + EdgeTopology.MAINTENANCE_FLAG + " on "
                        + String.join(", ", edges) + "); end it with tierlift maintenance off onprem";
            } else {
                state = "PARTLY ON: only " + String.join(", ", flagged) + " of " + String.join(", ", edges)
                        + " answer with the maintenance page; finish with tierlift maintenance on onprem or off";
            }
            rows.add(String.format("%-10s %-22s maintenance %s", "edge", "maintenance", state));
            return Optional.of(flagged);
        } catch (TierFailure e) {
            rows.add(String.format("%-10s %-22s maintenance unknown: %s", "edge", "maintenance", e.getMessage()));
            return Optional.empty();
        }
    }
}

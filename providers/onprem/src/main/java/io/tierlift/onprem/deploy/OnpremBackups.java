package io.tierlift.onprem.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.BackupCommands;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.render.onprem.backup.BackupRenderer;
import io.tierlift.tier.BackupEntry;
import io.tierlift.tier.BackupType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code backup now}, {@code backup list} and the backup part of {@code status} on the on-prem
 * tier: pgBackRest commands run on the backup host, its JSON read back.
 */
public final class OnpremBackups {
    private final Connector connector;
    private final ObjectMapper json = new ObjectMapper();

    public OnpremBackups(Connector connector) {
        this.connector = connector;
    }

    /** What status reports about backups: the newest one and whether WAL reaches the repository. */
    public record Health(Optional<BackupEntry> latest, Duration allowedAge, boolean archiving, String archiveProblem) {
        public boolean overdue(Instant now) {
            return latest.map(b -> Duration.between(b.finished(), now).compareTo(allowedAge) > 0).orElse(true);
        }
    }

    public BackupEntry backupNow(AppDescriptor descriptor, BackupType type) {
        Host host = repositoryHost(descriptor);
        try (connector) {
            HostSession session = new HostSession(host, connector.connect(host));
            BackupCommands commands = commands(descriptor);
            session.run("the " + type + " backup", commands.backup(type.key()));
            List<BackupEntry> all = parse(session.run("listing the backups", commands.info()).out());
            return all.stream().filter(e -> e.type() == type).reduce((a, b) -> b)
                    .orElseThrow(() -> new HostFailure(host.name(), "pgBackRest reported success but lists no " + type + " backup"));
        }
    }

    public List<BackupEntry> list(AppDescriptor descriptor) {
        Host host = repositoryHost(descriptor);
        try (connector) {
            HostSession session = new HostSession(host, connector.connect(host));
            return parse(session.run("listing the backups", commands(descriptor).info()).out());
        }
    }

    public Health health(AppDescriptor descriptor) {
        Host host = repositoryHost(descriptor);
        try (connector) {
            HostSession session = new HostSession(host, connector.connect(host));
            BackupCommands commands = commands(descriptor);
            List<BackupEntry> all = parse(session.run("listing the backups", commands.info()).out());
            ExecResult check = session.attempt(commands.check());
            String problem = check.ok() ? "" : firstLine(check.stderr().isBlank() ? check.out() : check.stderr());
            var backup = descriptor.database().backup().orElseThrow();
            Duration gap = shortestGap(session.run("reading the backup schedules",
                    commands.calendar(backup.fullSchedule(), backup.differentialSchedule())).out());
            return new Health(all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1)), allowedAge(gap),
                    check.ok(), problem);
        }
    }

    /** Backups as pgBackRest's {@code info --output=json} lists them for the stanza, oldest first. */
    List<BackupEntry> parse(String infoJson) {
        JsonNode root;
        try {
            root = json.readTree(infoJson);
        } catch (IOException e) {
            throw new UncheckedIOException("pgBackRest's info output is not JSON", e);
        }
        List<BackupEntry> entries = new ArrayList<>();
        for (JsonNode stanza : root) {
            for (JsonNode backup : stanza.path("backup")) {
                if (backup.path("error").asBoolean(false)) {
                    continue;
                }
                BackupType type = BackupType.fromKey(backup.path("type").asText()).orElse(BackupType.FULL);
                JsonNode archive = backup.path("archive");
                entries.add(new BackupEntry(backup.path("label").asText(), type,
                        Instant.ofEpochSecond(backup.path("timestamp").path("start").asLong()),
                        Instant.ofEpochSecond(backup.path("timestamp").path("stop").asLong()),
                        backup.path("info").path("size").asLong(),
                        backup.path("info").path("repository").path("size").asLong(),
                        text(archive.path("start")), text(archive.path("stop"))));
            }
        }
        return List.copyOf(entries);
    }

    /**
     * The shortest time between two runs of any of the schedules, from {@code systemd-analyze
     * calendar --iterations=2}: each event prints a "Next elapse:" and an "Iter. #2:" line.
     */
    static Duration shortestGap(String calendarOutput) {
        Pattern stamp = Pattern.compile(
                "^\\s*(Next elapse|Iter\\. #2):\\s+\\S+\\s+(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2})");
        Duration shortest = null;
        LocalDateTime next = null;
        for (String line : calendarOutput.lines().toList()) {
            var m = stamp.matcher(line);
            if (!m.find()) {
                continue;
            }
            var time = LocalDateTime.parse(m.group(2).replace(' ', 'T'));
            if (m.group(1).startsWith("Next")) {
                next = time;
            } else if (next != null) {
                Duration gap = Duration.between(next, time);
                shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
                next = null;
            }
        }
        if (shortest == null) {
            throw new IllegalStateException("systemd-analyze calendar printed no elapse times: " + calendarOutput.strip());
        }
        return shortest;
    }

    /** How old the newest backup may be before status calls it overdue: the schedules' shortest gap plus an hour. */
    public static Duration allowedAge(Duration scheduleGap) {
        return scheduleGap.plusHours(1);
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("pgbackrest check failed");
    }

    private static BackupCommands commands(AppDescriptor descriptor) {
        // Only the backup host's own commands run here; none depends on systemd.
        return new BackupCommands(false, BackupRenderer.stanza(descriptor));
    }

    private static Host repositoryHost(AppDescriptor descriptor) {
        if (descriptor.database().backup().isEmpty()) {
            throw new HostFailure("database", "the descriptor has no database.backup section: there is no repository to use");
        }
        return descriptor.targets().onprem().orElseThrow().firstWith(Role.BACKUP).orElseThrow();
    }
}

package io.tierlift.onprem.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.BackupCommands;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.provider.Progress;
import io.tierlift.render.onprem.backup.BackupLayout;
import io.tierlift.render.onprem.backup.BackupRenderer;
import io.tierlift.tier.BackupEntry;
import io.tierlift.tier.BackupType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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

    /**
     * What status reports about backups: the newest one, whether WAL reaches the repository (and if
     * not, what stops it, where, and the fix), the WAL archive lag on the primary, the earliest
     * moment a restore can reach and whether the archive's chain of segments is unbroken from there.
     */
    public record Health(Optional<BackupEntry> latest, Duration allowedAge, boolean archiving, String archiveProblem,
                         List<ArchiveDiagnosis.Finding> findings, Optional<ArchiveDiagnosis.Archiver> archiver,
                         Optional<Instant> restorableFrom, Optional<WalArchive.Continuity> continuity) {
        public Health(Optional<BackupEntry> latest, Duration allowedAge, boolean archiving, String archiveProblem) {
            this(latest, allowedAge, archiving, archiveProblem, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        public boolean overdue(Instant now) {
            return latest.map(b -> Duration.between(b.finished(), now).compareTo(allowedAge) > 0).orElse(true);
        }
    }

    public BackupEntry backupNow(AppDescriptor descriptor, BackupType type) {
        try (connector) {
            HostSession session = repositorySession(descriptor, connector);
            Host host = session.host();
            BackupCommands commands = commands(descriptor);
            session.run("the " + type + " backup", commands.backup(type.key()));
            List<BackupEntry> all = parse(session.run("listing the backups", commands.info()).out());
            return all.stream().filter(e -> e.type() == type).reduce((a, b) -> b)
                    .orElseThrow(() -> new HostFailure(host.name(), "pgBackRest reported success but lists no " + type + " backup"));
        }
    }

    public List<BackupEntry> list(AppDescriptor descriptor) {
        try (connector) {
            HostSession session = repositorySession(descriptor, connector);
            return parse(session.run("listing the backups", commands(descriptor).info()).out());
        }
    }

    public Health health(AppDescriptor descriptor) {
        try (connector) {
            if (BackupRenderer.inBucket(descriptor)) {
                return bucketHealth(descriptor);
            }
            Host host = repositoryHost(descriptor);
            HostSession session = new HostSession(host, connector.connect(host));
            List<HostSession> databases = new ArrayList<>();
            for (Host db : databaseHosts(descriptor)) {
                try {
                    databases.add(new HostSession(db, connector.connect(db)));
                } catch (RuntimeException unreachable) {
                    // A database host that is down is status's own row; the others still tell where WAL goes.
                }
            }
            ArchiveDiagnosis.Observations seen = observe(descriptor, session, databases);
            List<ArchiveDiagnosis.Finding> findings = ArchiveDiagnosis.findings(seen);
            BackupCommands commands = commands(descriptor);
            List<BackupEntry> all = parse(session.run("listing the backups", commands.info()).out());
            String problem;
            List<ArchiveDiagnosis.Finding> onRepository = findings.stream().filter(f -> f.host().equals(host.name())).toList();
            if (!onRepository.isEmpty()) {
                // A known cause is the answer; pgbackrest check would only wait for a push that cannot succeed.
                problem = onRepository.get(0).problem();
            } else {
                problem = checkProblem(session.attempt(commands.check()));
                if (problem.isEmpty()) {
                    // The check's own segment arrived: the failures the archiver counted are over.
                    findings = List.of();
                }
            }
            return health(descriptor, session, all, problem, findings, seen.archiver());
        }
    }

    /**
     * With the repository in a bucket, pgBackRest runs on the primary: its {@code check} pushes a
     * segment to the bucket and names what failed (endpoint, keys, CA), and its archiver tells the lag.
     */
    private Health bucketHealth(AppDescriptor descriptor) {
        HostSession session = repositorySession(descriptor, connector);
        BackupCommands commands = commands(descriptor);
        Optional<ArchiveDiagnosis.Archiver> archiver = archiver(descriptor, session);
        List<BackupEntry> all = parse(session.run("listing the backups", commands.info()).out());
        String problem = checkProblem(session.attempt(commands.check()));
        // The check's own segment arrived: the failures the archiver counted are over.
        List<ArchiveDiagnosis.Finding> findings = problem.isEmpty() ? List.of() : bucketFindings(descriptor, List.of(session));
        return health(descriptor, session, all, problem, findings, archiver);
    }

    /**
     * What a deploy says about backups once it is done: why WAL may not be reaching the repository
     * (the bucket, or the backup host once its configuration exists). Only warnings: none of it
     * stops the app, and a repository that cannot be read is itself a warning.
     */
    static void warnAfterDeploy(AppDescriptor descriptor, OnpremTarget target, Map<String, HostState> states,
                                Map<String, HostSession> sessions, Progress progress) {
        if (descriptor.database().backup().isEmpty()) {
            return;
        }
        List<HostSession> databases = sessions.values().stream()
                .filter(s -> s.host().has(Role.DB_PRIMARY) || s.host().has(Role.DB_STANDBY))
                .sorted(Comparator.comparing(s -> s.host().has(Role.DB_PRIMARY) ? 0 : 1)).toList();
        if (BackupRenderer.inBucket(descriptor)) {
            try {
                bucketFindings(descriptor, databases).forEach(finding -> progress.warn(finding.host(), finding.toString()));
            } catch (RuntimeException e) {
                progress.warn("database", "could not read the state of WAL archiving: " + e.getMessage());
            }
            return;
        }
        Host repository = target.firstWith(Role.BACKUP).orElseThrow();
        HostState state = states.get(repository.name());
        if (state == null || !state.file(BackupLayout.CONFIG_FILE).exists()) {
            return;
        }
        try {
            ArchiveDiagnosis.findings(observe(descriptor, sessions.get(repository.name()), databases))
                    .forEach(finding -> progress.warn(finding.host(), finding.toString()));
        } catch (RuntimeException e) {
            progress.warn(repository.name(), "could not read the state of the backup repository: " + e.getMessage());
        }
    }

    /** With a bucket: what plan and status read without changing anything, the primary's failing archiver. */
    public static List<ArchiveDiagnosis.Finding> bucketFindings(AppDescriptor descriptor, List<HostSession> databases) {
        var s3 = descriptor.database().backup().flatMap(io.tierlift.model.BackupSettings::s3).orElseThrow();
        for (HostSession db : databases) {
            Optional<ArchiveDiagnosis.Archiver> archiver = archiver(descriptor, db);
            if (archiver.isPresent()) {
                return ArchiveDiagnosis.bucketFindings(archiver, s3.bucket(), s3.endpoint());
            }
        }
        return List.of();
    }

    /** PostgreSQL's archiver on the host, when it is the primary. */
    private static Optional<ArchiveDiagnosis.Archiver> archiver(AppDescriptor descriptor, HostSession db) {
        ServiceCommands postgres = ServiceCommands.forApp(descriptor, descriptor.targets().onprem().orElseThrow().appRoot(), false);
        ExecResult answer = db.attempt(postgres.psql("postgres"), ArchiveDiagnosis.Archiver.query().getBytes(StandardCharsets.UTF_8));
        return answer.ok() ? ArchiveDiagnosis.Archiver.parse(db.name(), answer.out()) : Optional.empty();
    }

    private Health health(AppDescriptor descriptor, HostSession session, List<BackupEntry> all, String problem,
                          List<ArchiveDiagnosis.Finding> findings, Optional<ArchiveDiagnosis.Archiver> archiver) {
        BackupCommands commands = commands(descriptor);
        var backup = descriptor.database().backup().orElseThrow();
        Duration gap = shortestGap(session.run("reading the backup schedules",
                commands.calendar(backup.fullSchedule(), backup.differentialSchedule())).out());
        Optional<WalArchive.Continuity> continuity = all.isEmpty() ? Optional.empty() : all.get(0).walStart()
                .flatMap(first -> WalArchive.parse(session.run("listing the WAL archive", commands.archiveFiles()).out()).from(first));
        return new Health(all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1)), allowedAge(gap),
                problem.isEmpty(), problem, findings, archiver,
                all.isEmpty() ? Optional.empty() : Optional.of(all.get(0).finished()), continuity);
    }

    /**
     * Where pgBackRest's repository commands run: the backup host, or with the repository in a bucket
     * the database host that is the primary now (after a failover not the descriptor's db-primary).
     */
    public static HostSession repositorySession(AppDescriptor descriptor, Connector connector) {
        if (!BackupRenderer.inBucket(descriptor)) {
            Host host = repositoryHost(descriptor);
            return new HostSession(host, connector.connect(host));
        }
        ServiceCommands postgres = ServiceCommands.forApp(descriptor, descriptor.targets().onprem().orElseThrow().appRoot(), false);
        List<String> seen = new ArrayList<>();
        for (Host db : databaseHosts(descriptor)) {
            try {
                HostSession session = new HostSession(db, connector.connect(db));
                ExecResult answer = session.attempt(postgres.psql("postgres"), "SELECT pg_is_in_recovery();".getBytes(StandardCharsets.UTF_8));
                if (answer.ok() && answer.out().strip().equals("f")) {
                    return session;
                }
                seen.add(db.name() + (answer.ok() ? " is a standby" : " runs no PostgreSQL that answers"));
            } catch (RuntimeException unreachable) {
                seen.add(db.name() + " is unreachable (" + unreachable.getMessage() + ")");
            }
        }
        throw new HostFailure("database", "no database host is the primary (" + String.join("; ", seen) + "): with the "
                + "repository in a bucket, pgBackRest runs on the primary");
    }

    /**
     * Reads, changing nothing, what can keep WAL from the repository: the primary (the database
     * host whose archiver runs) pings the backup host's server, the backup host reports its
     * repository's free space. Plan and status both ask this.
     */
    public static ArchiveDiagnosis.Observations observe(AppDescriptor descriptor, HostSession repository, List<HostSession> databases) {
        Host repo = repository.host();
        Optional<ArchiveDiagnosis.Archiver> archiver = Optional.empty();
        HostSession primary = null;
        for (HostSession db : databases) {
            ServiceCommands postgres = ServiceCommands.forApp(descriptor, descriptor.targets().onprem().orElseThrow().appRoot(), false);
            ExecResult answer = db.attempt(postgres.psql("postgres"),
                    ArchiveDiagnosis.Archiver.query().getBytes(StandardCharsets.UTF_8));
            archiver = answer.ok() ? ArchiveDiagnosis.Archiver.parse(db.name(), answer.out()) : Optional.empty();
            if (archiver.isPresent()) {
                primary = db;
                break;
            }
        }
        BackupCommands commands = commands(descriptor);
        boolean answers = (primary != null ? primary : repository).attempt(commands.serverPing(repo.address())).ok();
        ExecResult df = repository.attempt(commands.repositoryDiskSpace());
        Optional<ArchiveDiagnosis.DiskSpace> disk = df.ok()
                ? ArchiveDiagnosis.DiskSpace.parse(BackupLayout.REPOSITORY_PATH, df.out()) : Optional.empty();
        boolean systemd = repository.attempt(ServiceCommands.systemdCheck()).ok();
        return new ArchiveDiagnosis.Observations(BackupRenderer.stanza(descriptor), repo.name(), repo.address(), BackupLayout.TLS_PORT,
                systemd, Optional.ofNullable(primary).map(HostSession::name), answers, disk, archiver);
    }

    private static String checkProblem(ExecResult check) {
        return check.ok() ? "" : firstLine(check.stderr().isBlank() ? check.out() : check.stderr());
    }

    /** The database hosts, the descriptor's primary first: after a failover the answering primary may be a "standby". */
    private static List<Host> databaseHosts(AppDescriptor descriptor) {
        var target = descriptor.targets().onprem().orElseThrow();
        List<Host> hosts = new ArrayList<>(target.hostsWith(Role.DB_PRIMARY));
        hosts.addAll(target.hostsWith(Role.DB_STANDBY));
        return hosts;
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

    static BackupCommands commands(AppDescriptor descriptor) {
        // Only the backup host's own commands run here; none depends on systemd.
        return new BackupCommands(false, BackupRenderer.stanza(descriptor));
    }

    /** What status and restore call the repository: the backup host's name, or the bucket's. */
    public static String repositoryName(AppDescriptor descriptor) {
        return descriptor.database().backup().flatMap(io.tierlift.model.BackupSettings::s3).map(s3 -> "s3://" + s3.bucket())
                .orElseGet(() -> repositoryHost(descriptor).name());
    }

    private static Host repositoryHost(AppDescriptor descriptor) {
        if (descriptor.database().backup().isEmpty()) {
            throw new HostFailure("database", "the descriptor has no database.backup section: there is no repository to use");
        }
        return descriptor.targets().onprem().orElseThrow().firstWith(Role.BACKUP).orElseThrow();
    }
}

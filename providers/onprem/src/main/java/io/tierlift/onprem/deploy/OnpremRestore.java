package io.tierlift.onprem.deploy;

import io.tierlift.journal.JournalFile;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.BackupCommands;
import io.tierlift.onprem.command.RestoreCommands;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.provider.Progress;
import io.tierlift.render.onprem.backup.BackupRenderer;
import io.tierlift.render.onprem.database.PostgresLayout;
import io.tierlift.secret.SecretResolver;
import io.tierlift.tier.RestoreOutcome;
import io.tierlift.tier.RestorePoint;
import io.tierlift.tier.RestorePreview;
import io.tierlift.tier.RestoreRequest;
import io.tierlift.tier.RestoreTarget;
import io.tierlift.tier.TierFailure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code restore onprem}: pgBackRest restores the primary from the repository, to a time or to the
 * end of a backup, either into a new directory beside the running cluster or over it; then the
 * standbys are rebuilt from the restored primary and archiving is checked on the new timeline.
 *
 * <p>A new cluster is switched in by renaming directories, not by pointing PostgreSQL elsewhere:
 * Debian's cluster config ({@code data_directory} in {@code /etc/postgresql/<v>/main}), pgBackRest's
 * {@code pg1-path} on every host, the standbys' clone and the next deploy all name
 * {@code /var/lib/postgresql/<v>/main}, so after the rename every one of them is still right, and
 * the kept old cluster under another name cannot be started by accident.
 */
public final class OnpremRestore {
    /** Turns the app's maintenance page on or off (the edge's flag file, as migrate does). */
    @FunctionalInterface
    public interface Maintenance {
        void turn(boolean on);
    }

    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(30);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final AppDescriptor descriptor;
    private final OnpremTarget target;
    private final Supplier<Connector> connectors;
    private final SecretResolver secrets;
    private final Progress progress;
    private final Maintenance maintenance;
    private final Clock clock;
    /** The backup each point resolved to: preview and restore in one run read the repository's list once. */
    private final Map<String, RestoreSource> sources = new HashMap<>();

    public OnpremRestore(AppDescriptor descriptor, Supplier<Connector> connectors, SecretResolver secrets, Progress progress,
                         Maintenance maintenance, Clock clock) {
        this.descriptor = descriptor;
        this.target = descriptor.targets().onprem().orElseThrow(() -> new TierFailure("the descriptor has no targets.onprem section"));
        this.connectors = connectors;
        this.secrets = secrets;
        this.progress = progress;
        this.maintenance = maintenance;
        this.clock = clock;
        if (descriptor.database().backup().isEmpty()) {
            throw new TierFailure("the descriptor has no database.backup section: there is no repository to restore from");
        }
    }

    public RestorePreview preview(RestoreRequest request) {
        try (Connector connector = connectors.get()) {
            Opened opened = open(request, connector);
            List<RestoreStep> remaining = remaining(opened.journal(), request.target());
            RestoreStep.Names names = names(opened.journal());
            List<String> warnings = new ArrayList<>();
            if (!remaining.isEmpty()) {
                warnings.add(request.target() == RestoreTarget.NEW
                        ? "every write committed after " + request.point().describe() + " is set aside: it stays only in the old cluster, kept "
                        + "stopped on " + names.primary() + " as " + names.keptDirectory() + " until restore --finalize"
                        : "every write committed after " + request.point().describe() + " is lost: the cluster on " + names.primary()
                        + " is overwritten in place and nothing is kept to go back to");
                warnings.add("the app answers 503 (maintenance) from the maintenance step until the standbys stream again");
            } else {
                warnings.add(opened.journal().describe() + " is complete; nothing is left to do");
            }
            return new RestorePreview(remaining.stream().map(s -> s.describe(names)).toList(), warnings, opened.resumes());
        }
    }

    public RestoreOutcome restore(RestoreRequest request) {
        JournalFile<RestoreJournal> file = new JournalFile<>(request.journal(), RestoreJournal.class);
        try (Connector connector = connectors.get()) {
            Opened opened = open(request, connector);
            RestoreJournal journal = opened.journal();
            if (!opened.resumes()) {
                file.write(journal);
            }
            List<RestoreStep> steps = RestoreStep.forTarget(request.target(), !standbys().isEmpty());
            RestoreRun run = new RestoreRun(new Hosts(connector), names(journal), request.point(), journal.backupId());
            List<String> done = new ArrayList<>();
            for (RestoreStep step : steps) {
                if (journal.done(step)) {
                    continue;
                }
                progress.step("restore", (steps.indexOf(step) + 1) + "/" + steps.size() + ": " + step.describe(run.names()));
                try {
                    run.perform(step).ifPresent(done::add);
                } catch (RuntimeException e) {
                    throw new TierFailure("restore step " + (steps.indexOf(step) + 1) + " (" + step.describe(run.names()) + ") failed: "
                            + e.getMessage() + ". The completed steps are journaled in " + file.path()
                            + (inMaintenance(journal, step) ? "; the app stays in maintenance" : "")
                            + "; run the same restore again to continue from this step", e);
                }
                journal = journal.completing(step);
                if (step == RestoreStep.SWITCH_DIRECTORY) {
                    journal = journal.keeping(run.names().keptDirectory());
                }
                file.write(journal);
            }
            if (request.target() == RestoreTarget.IN_PLACE) {
                close(file);
                return new RestoreOutcome(done, Optional.empty(), "the restore is complete and its journal closed; "
                        + "take a backup on the new timeline with tierlift backup now onprem");
            }
            if (done.isEmpty()) {
                done.add(journal.describe() + " was complete already");
            }
            return new RestoreOutcome(done, journal.kept().map(k -> run.names().primary() + ":" + k + " (the cluster as it was, stopped)"),
                    "check the app, then remove the old cluster with tierlift restore onprem --finalize");
        }
    }

    private static boolean inMaintenance(RestoreJournal journal, RestoreStep failed) {
        return (journal.done(RestoreStep.MAINTENANCE_ON) || failed == RestoreStep.MAINTENANCE_ON) && !journal.done(RestoreStep.MAINTENANCE_OFF);
    }

    public RestoreOutcome finalizeRestore(Path journalPath) {
        JournalFile<RestoreJournal> file = new JournalFile<>(journalPath, RestoreJournal.class);
        RestoreJournal journal = file.read().orElseThrow(() -> new TierFailure("there is no restore to finalize (no journal at "
                + journalPath + ")"));
        RestoreTarget kind = RestoreTarget.fromKey(journal.target()).orElseThrow(() -> new TierFailure(
                "the journal " + journalPath + " names an unknown target '" + journal.target() + "'"));
        if (!journal.complete(RestoreStep.forTarget(kind, !standbys().isEmpty()))) {
            throw new TierFailure(journal.describe() + " is not complete: run it again to finish it first; nothing was removed");
        }
        List<String> done = new ArrayList<>();
        if (journal.kept().isPresent()) {
            Host primary = primary();
            try (Connector connector = connectors.get()) {
                new HostSession(primary, connector.connect(primary)).run("removing the kept cluster",
                        commands().removeKept(journal.kept().get()));
            }
            done.add("removed " + primary.name() + ":" + journal.kept().get());
        }
        close(file);
        done.add("closed " + journal.describe());
        return new RestoreOutcome(done, Optional.empty(), "nothing is kept to go back to any more; the next restore can start");
    }

    private record Opened(RestoreJournal journal, boolean resumes) {
    }

    /**
     * The open journal when it is for this point and target (the restore continues), a new one
     * after the point was checked against the repository's backups, or a refusal naming the open one.
     */
    private Opened open(RestoreRequest request, Connector connector) {
        JournalFile<RestoreJournal> file = new JournalFile<>(request.journal(), RestoreJournal.class);
        Optional<RestoreJournal> open = file.read();
        String point = request.point().describe();
        // A restore that failed before its first step changed nothing: another point may replace it.
        if (open.isPresent() && !open.get().completed().isEmpty()) {
            RestoreJournal journal = open.get();
            if (journal.same(point, request.target().key())) {
                return new Opened(journal, true);
            }
            RestoreTarget kind = RestoreTarget.fromKey(journal.target()).orElse(RestoreTarget.NEW);
            throw new TierFailure(journal.describe() + (journal.complete(RestoreStep.forTarget(kind, !standbys().isEmpty()))
                    ? " is complete and keeps the old cluster: run tierlift restore onprem --finalize before another restore"
                    : " is unfinished: run it again with the same point and target to continue it")
                    + " (journal " + file.path() + "); nothing was changed");
        }
        RestoreSource source = sources.computeIfAbsent(point, p -> RestoreSource.choose(request.point(), backups(connector), clock.instant()));
        return new Opened(RestoreJournal.start(point, request.target().key(), STAMP.format(clock.instant()), source.backupId()), false);
    }

    private List<io.tierlift.tier.BackupEntry> backups(Connector connector) {
        Host repository = repository();
        HostSession session = new HostSession(repository, connector.connect(repository));
        OnpremBackups reader = new OnpremBackups(connector);
        return reader.parse(session.run("listing the backups", backupCommands().info()).out());
    }

    private List<RestoreStep> remaining(RestoreJournal journal, RestoreTarget kind) {
        return RestoreStep.forTarget(kind, !standbys().isEmpty()).stream().filter(s -> !journal.done(s)).toList();
    }

    private RestoreStep.Names names(RestoreJournal journal) {
        String data = PostgresLayout.debian(descriptor.database().version()).dataDir();
        return new RestoreStep.Names(journal.point(), journal.backupId(), primary().name(), standbys().stream().map(Host::name).toList(),
                OnpremBackups.repositoryName(descriptor), data, data + ".restored-" + journal.stamp(), data + ".before-restore-" + journal.stamp());
    }

    private static void close(JournalFile<RestoreJournal> file) {
        try {
            Files.deleteIfExists(file.path());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the journal " + file.path() + ": " + e.getMessage(), e);
        }
    }

    private RestoreCommands commands() {
        return new RestoreCommands(BackupRenderer.stanza(descriptor), descriptor.database().version(),
                PostgresLayout.debian(descriptor.database().version()).dataDir());
    }

    private BackupCommands backupCommands() {
        return new BackupCommands(false, BackupRenderer.stanza(descriptor));
    }

    private ServiceCommands services() {
        // Only PostgreSQL's commands are used here; they are the same with and without systemd.
        return ServiceCommands.forApp(descriptor, target.appRoot(), false);
    }

    private Host primary() {
        return target.firstWith(Role.DB_PRIMARY).orElseThrow(() -> new TierFailure("the on-prem topology has no db-primary host"));
    }

    private List<Host> standbys() {
        return target.hostsWith(Role.DB_STANDBY);
    }

    /**
     * Where pgBackRest reads the repository: the backup host, or with a bucket the primary itself
     * (its config holds the bucket's keys, and it is the host being restored).
     */
    private Host repository() {
        if (BackupRenderer.inBucket(descriptor)) {
            return primary();
        }
        return target.firstWith(Role.BACKUP).orElseThrow(() -> new TierFailure("database.backup needs a host with role backup"));
    }

    /** Sessions opened on first use, one per host, for one run. */
    private static final class Hosts {
        private final Connector connector;
        private final Map<String, HostSession> sessions = new HashMap<>();

        Hosts(Connector connector) {
            this.connector = connector;
        }

        HostSession on(Host host) {
            return sessions.computeIfAbsent(host.name(), n -> new HostSession(host, connector.connect(host)));
        }
    }

    /** One run's steps against the hosts. */
    private final class RestoreRun {
        private final Hosts hosts;
        private final RestoreStep.Names names;
        private final RestorePoint point;
        private final String backupId;
        private final RestoreCommands restore = commands();
        private final ServiceCommands services = services();

        RestoreRun(Hosts hosts, RestoreStep.Names names, RestorePoint point, String backupId) {
            this.hosts = hosts;
            this.names = names;
            this.point = point;
            this.backupId = backupId;
        }

        RestoreStep.Names names() {
            return names;
        }

        /** Runs one step; what it achieved, for the outcome, when worth a line. */
        Optional<String> perform(RestoreStep step) {
            HostSession primary = hosts.on(primary());
            switch (step) {
                case SEAL_WAL -> {
                    primary.run("committing a marker", services.psql("postgres"), sql(RestoreCommands.commitMarker()));
                    hosts.on(repository()).run("archiving the current WAL", backupCommands().check());
                }
                case RESTORE_BESIDE -> primary.run("restoring backup " + backupId, restoreInto(names.restoredDirectory(), false));
                case RESTORE_IN_PLACE -> primary.run("restoring backup " + backupId, restoreInto(names.dataDirectory(), true));
                case MAINTENANCE_ON -> maintenance.turn(true);
                case MAINTENANCE_OFF -> maintenance.turn(false);
                case STOP_STANDBYS -> standbys().forEach(s -> hosts.on(s).run("stopping PostgreSQL", restore.stopIfRunning()));
                case STOP_PRIMARY -> primary.run("stopping PostgreSQL", restore.stopIfRunning());
                case SWITCH_DIRECTORY -> primary.run("switching to the restored directory",
                        restore.switchDirectory(names.restoredDirectory(), names.keptDirectory()));
                case START_PRIMARY -> {
                    return Optional.of("restored " + point.describe() + " from backup " + backupId + " on " + names.primary()
                            + ": recovery ended on timeline " + startAndAwaitPromotion(primary));
                }
                case REBUILD_STANDBYS -> {
                    PostgresSetup setup = new PostgresSetup(descriptor, target, progress, secrets);
                    for (Host standby : standbys()) {
                        HostSession session = hosts.on(standby);
                        setup.cloneFromPrimary(primary, session, services, primary(), standby, session.attempt(restore.running()).ok());
                        session.run("starting the standby", services.postgres("start"));
                        setup.waitForStreaming(primary, services, standby);
                    }
                    return Optional.of(names.standbys() + " stream from the restored " + names.primary());
                }
                case CHECK_ARCHIVE -> {
                    hosts.on(repository()).run("checking WAL archiving", backupCommands().check());
                    return Optional.of("WAL archiving to " + names.repository() + " continues on the new timeline (pgbackrest check passed)");
                }
            }
            return Optional.empty();
        }

        private io.tierlift.onprem.command.RemoteCommand restoreInto(String directory, boolean delta) {
            return point instanceof RestorePoint.ToTime toTime
                    ? restore.restoreToTime(backupId, toTime.time(), directory, delta)
                    : restore.restoreToBackup(backupId, directory, delta);
        }

        /** Starts the restored cluster and waits until it has replayed to the point and promoted itself; returns the timeline. */
        private String startAndAwaitPromotion(HostSession primary) {
            if (!primary.attempt(restore.running()).ok()) {
                // pg_ctl stops waiting after a minute while a long replay goes on; the polling below waits for it.
                primary.attempt(services.postgres("start"));
            }
            long deadline = System.nanoTime() + RECOVERY_LIMIT.toNanos();
            while (System.nanoTime() < deadline) {
                ExecResult state = primary.attempt(services.psql("postgres"), sql(RestoreCommands.recoveryState()));
                String out = state.out().strip();
                if (state.ok() && out.startsWith("f ")) {
                    primary.run("removing the recovery settings", services.psql("postgres"), sql(RestoreCommands.forgetRecoverySettings()));
                    String timeline = Long.toString(Long.parseLong(out.substring(2).strip(), 16));
                    progress.step(primary.name(), "recovery ended; the primary writes on timeline " + timeline);
                    return timeline;
                }
                if (!state.ok() && !primary.attempt(restore.running()).ok()) {
                    throw new HostFailure(primary.name(), "PostgreSQL stopped during recovery: "
                            + primary.attempt(restore.logTail()).out().strip());
                }
                sleep(200);
            }
            throw new HostFailure(primary.name(), "recovery did not end within " + RECOVERY_LIMIT.toMinutes() + " minutes");
        }
    }

    private static byte[] sql(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TierFailure("interrupted");
        }
    }
}

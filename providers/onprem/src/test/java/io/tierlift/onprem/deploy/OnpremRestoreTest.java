package io.tierlift.onprem.deploy;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.secret.LocalSecretResolver;
import io.tierlift.tier.RestoreOutcome;
import io.tierlift.tier.RestorePoint;
import io.tierlift.tier.RestorePreview;
import io.tierlift.tier.RestoreRequest;
import io.tierlift.tier.RestoreTarget;
import io.tierlift.tier.TierFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code restore onprem} against fake hosts: the steps, the point's checks, the journal, the commands built. */
class OnpremRestoreTest {
    private static final String DESCRIPTOR = """
            app: notes
            frontend: { path: frontend, dist: frontend/dist }
            backend: { path: backend, wsgi: "notes.app:app" }
            database:
              name: notes
              user: notes
              password: "${env:NOTES_DB_PASSWORD}"
              replication_password: "${env:NOTES_REPLICATION_PASSWORD}"
              backup:
                key: "${env:NOTES_BACKUP_KEY}"
            targets:
              onprem:
                ssh: { user: root }
                domain: notes.example.test
                waf: { crs: true, paranoia: 1 }
                hosts:
                  edge1: { address: 10.9.0.10, zone: dmz, roles: [waf, proxy, static] }
                  app1:  { address: 10.9.0.21, zone: trusted, roles: [app] }
                  db1:   { address: 10.9.0.31, zone: trusted, roles: [db-primary] }
                  db2:   { address: 10.9.0.32, zone: trusted, roles: [db-standby] }
                  bak1:  { address: 10.9.0.40, zone: trusted, roles: [backup] }
            """;
    private static final String KEY = "the-repository-key-7f3a";
    /** The info fixture's backups end at 17:08:06 (full) and 17:09:03 (diff). */
    private static final Instant NOW = Instant.parse("2026-12-07T18:00:00Z");
    private static final Instant T = Instant.parse("2026-12-07T17:30:00.250Z");
    private static final String DATA = "/var/lib/postgresql/15/main";

    private final AppDescriptor descriptor = new DescriptorLoader()
            .load("app.yaml", DESCRIPTOR, Path.of("/nonexistent"), Optional.empty()).descriptor();
    private final List<String> calls = new ArrayList<>();
    private final String info;
    /** A command the fake hosts fail, matched on "host: command line". */
    private Predicate<String> failing = line -> false;
    @TempDir
    Path home;

    OnpremRestoreTest() throws IOException {
        info = Files.readString(Path.of("src/test/resources/pgbackrest/info.json"));
    }

    private OnpremRestore restores() {
        Map<String, String> env = Map.of("NOTES_DB_PASSWORD", "db-pass", "NOTES_REPLICATION_PASSWORD", "repl-pass", "NOTES_BACKUP_KEY", KEY);
        return new OnpremRestore(descriptor, FakeConnector::new, new LocalSecretResolver(env, Path.of("/nonexistent"), ref -> {
            throw new IllegalStateException("no AWS here");
        }), (scope, message) -> { }, on -> calls.add("maintenance " + (on ? "on" : "off")), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private RestoreRequest request(RestorePoint point, RestoreTarget target) {
        return new RestoreRequest(point, target, home.resolve(".tierlift/restores/notes-onprem.json"));
    }

    private final class FakeConnector implements Connector {
        @Override
        public Connection connect(Host host) {
            return new Connection() {
                @Override
                public String host() {
                    return host.name();
                }

                @Override
                public ExecResult run(RemoteCommand command, byte[] stdin) {
                    String input = new String(stdin, StandardCharsets.UTF_8);
                    String line = host.name() + ": " + String.join(" ", command.argv()) + (input.isEmpty() ? "" : " <<< " + input);
                    calls.add(line);
                    if (failing.test(line)) {
                        return new ExecResult(1, new byte[0], "pg_basebackup: error: connection refused");
                    }
                    return new ExecResult(0, answer(line).getBytes(StandardCharsets.UTF_8), "");
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private String answer(String line) {
        if (line.contains("--output=json info")) {
            return info;
        }
        if (line.contains("pg_is_in_recovery")) {
            return "f 00000002\n";
        }
        if (line.contains("pg_stat_replication")) {
            return "streaming\n";
        }
        return "";
    }

    private List<String> matching(String text) {
        return calls.stream().filter(c -> c.contains(text)).toList();
    }

    @Test
    void thePreviewListsTheStepsOfANewRestoreAndWarnsThatLaterWritesAreSetAsideInTheKeptCluster() {
        RestorePreview preview = restores().preview(request(new RestorePoint.ToTime(T), RestoreTarget.NEW));
        assertThat(preview.resumes()).isFalse();
        assertThat(preview.actions()).hasSize(9);
        assertThat(preview.actions().get(0)).startsWith("on db1: commit a marker and archive the current WAL to bak1");
        assertThat(preview.actions().get(1)).isEqualTo("on db1: restore backup 20261207-170800F_20261207-170900D into "
                + DATA + ".restored-20261207-180000 (the running cluster is untouched)");
        assertThat(preview.actions()).contains("on db1: stop PostgreSQL, keep " + DATA + " as " + DATA
                + ".before-restore-20261207-180000 and move the restored directory into its place");
        assertThat(preview.actions().get(8)).contains("pgbackrest check");
        assertThat(preview.warnings().get(0)).isEqualTo("every write committed after 2026-12-07T17:30:00.250Z is set aside: it stays "
                + "only in the old cluster, kept stopped on db1 as " + DATA + ".before-restore-20261207-180000 until restore --finalize");
        assertThat(calls).as("the preview only reads the repository's list").allMatch(c -> c.startsWith("bak1: ") && c.contains(" info"));
        assertThat(Files.exists(home.resolve(".tierlift/restores/notes-onprem.json"))).isFalse();
    }

    @Test
    void anInPlacePreviewStopsTheClusterInMaintenanceAndSaysNothingIsKept() {
        RestorePreview preview = restores().preview(request(new RestorePoint.ToBackup("20261207-170800F"), RestoreTarget.IN_PLACE));
        assertThat(preview.actions().get(0)).startsWith("maintenance on");
        assertThat(preview.actions()).contains("on db1: restore backup 20261207-170800F over " + DATA
                + " (pgbackrest restore --delta: only files that differ are rewritten)");
        assertThat(preview.warnings().get(0)).contains("is lost").contains("nothing is kept");
    }

    @Test
    void aTimeBeforeTheEndOfTheOldestBackupIsRefusedNamingTheEarliestRestorableTimeAndNothingRuns() {
        assertThatThrownBy(() -> restores().restore(request(new RestorePoint.ToTime(Instant.parse("2026-12-07T17:08:05Z")), RestoreTarget.NEW)))
                .isInstanceOf(TierFailure.class)
                .hasMessageContaining("before the earliest restorable time 2026-12-07T17:08:07Z")
                .hasMessageContaining("nothing was changed");
        assertThat(calls).hasSize(1).allMatch(c -> c.contains(" info"));
        assertThat(Files.exists(home.resolve(".tierlift/restores/notes-onprem.json"))).isFalse();
    }

    @Test
    void aTimeInTheFutureIsRefused() {
        assertThatThrownBy(() -> restores().restore(request(new RestorePoint.ToTime(NOW.plusSeconds(60)), RestoreTarget.NEW)))
                .isInstanceOf(TierFailure.class).hasMessageContaining("is in the future").hasMessageContaining("nothing was changed");
        assertThat(calls).noneMatch(c -> c.contains("restore"));
    }

    @Test
    void anUnknownBackupIdIsRefusedNamingTheBackupsTheRepositoryHas() {
        assertThatThrownBy(() -> restores().restore(request(new RestorePoint.ToBackup("20261201-000000F"), RestoreTarget.NEW)))
                .isInstanceOf(TierFailure.class)
                .hasMessageContaining("no backup 20261201-000000F; it has 20261207-170800F, 20261207-170800F_20261207-170900D");
    }

    @Test
    void aTimeBetweenTwoBackupsRestoresFromTheOlderOne() {
        RestorePreview preview = restores().preview(request(new RestorePoint.ToTime(Instant.parse("2026-12-07T17:09:00Z")), RestoreTarget.NEW));
        assertThat(preview.actions().get(1)).contains("restore backup 20261207-170800F into");
    }

    @Test
    void theRestoreCommandReplaysToJustBeforeTheTimeAndPromotesAndNoCommandCarriesTheKey() {
        RestoreOutcome outcome = restores().restore(request(new RestorePoint.ToTime(T), RestoreTarget.NEW));
        List<String> restore = matching("pgbackrest --stanza=notes --pg1-path=" + DATA + ".restored-20261207-180000");
        assertThat(restore).hasSize(1);
        assertThat(restore.get(0)).startsWith("db1: ")
                .contains("--set=20261207-170800F_20261207-170900D --type=time --target=2026-12-07 17:30:00.250000+00 --target-exclusive")
                .contains("--target-action=promote")
                .contains("--recovery-option=restore_command=/usr/bin/pgbackrest --stanza=notes archive-get %f \"%p\"")
                .doesNotContain("--delta");
        assertThat(calls).noneMatch(c -> c.contains(KEY));
        assertThat(String.join("\n", outcome.done()) + outcome.kept() + outcome.nextStep()).doesNotContain(KEY);
        assertThat(outcome.kept()).contains("db1:" + DATA + ".before-restore-20261207-180000 (the cluster as it was, stopped)");
        assertThat(outcome.done()).anyMatch(d -> d.contains("recovery ended on timeline 2"));
        assertThat(matching("ALTER SYSTEM RESET")).hasSize(1).allMatch(c -> c.contains("\"recovery_target_time\""));
        int switchCommand = calls.indexOf(matching("is in the way of keeping the old cluster").get(0));
        assertThat(calls.indexOf("maintenance on")).isLessThan(switchCommand);
        assertThat(calls.indexOf("maintenance off")).isGreaterThan(calls.indexOf(matching("pg_basebackup").get(0)));
    }

    @Test
    void aStepThatFailsIsRunAgainByTheSameRestoreAfterTheCompletedOnes() throws IOException {
        RestoreRequest request = request(new RestorePoint.ToTime(T), RestoreTarget.NEW);
        failing = line -> line.startsWith("db2: ") && line.contains("pg_basebackup");
        assertThatThrownBy(() -> restores().restore(request)).isInstanceOf(TierFailure.class)
                .hasMessageContaining("restore step 7 (rebuild db2 from the restored db1")
                .hasMessageContaining("the app stays in maintenance")
                .hasMessageContaining("run the same restore again to continue from this step");
        String journal = Files.readString(request.journal());
        assertThat(journal).contains("START_PRIMARY").doesNotContain("REBUILD_STANDBYS");
        assertThat(calls).doesNotContain("maintenance off");

        calls.clear();
        failing = line -> false;
        RestorePreview resumed = restores().preview(request);
        assertThat(resumed.resumes()).isTrue();
        assertThat(resumed.actions()).hasSize(3);
        assertThat(resumed.actions().get(0)).startsWith("rebuild db2 from the restored db1");
        restores().restore(request);
        assertThat(calls).as("the repository's list is not read again, the restore does not run again")
                .noneMatch(c -> c.contains(" info") || c.contains("--pg1-path"));
        assertThat(matching("pg_basebackup")).hasSize(1);
        assertThat(calls).contains("maintenance off");
        assertThat(Files.readString(request.journal())).contains("REBUILD_STANDBYS", "CHECK_ARCHIVE", DATA + ".before-restore-20261207-180000");
    }

    @Test
    void aDifferentPointWhileARestoreIsOpenIsRefusedNamingTheOpenOne() {
        failing = line -> line.contains("pg_basebackup");
        assertThatThrownBy(() -> restores().restore(request(new RestorePoint.ToTime(T), RestoreTarget.NEW))).isInstanceOf(TierFailure.class);
        calls.clear();
        assertThatThrownBy(() -> restores().preview(request(new RestorePoint.ToBackup("20261207-170800F"), RestoreTarget.NEW)))
                .isInstanceOf(TierFailure.class)
                .hasMessageContaining("the restore to 2026-12-07T17:30:00.250Z (new, started 20261207-180000) is unfinished")
                .hasMessageContaining("nothing was changed");
        assertThat(calls).isEmpty();
    }

    @Test
    void aRestoreThatFailedBeforeItsFirstStepCompletedDoesNotHoldUpAnotherPoint() {
        failing = line -> line.startsWith("bak1: ") && line.contains(" check");
        assertThatThrownBy(() -> restores().restore(request(new RestorePoint.ToTime(T), RestoreTarget.NEW)))
                .isInstanceOf(TierFailure.class).hasMessageContaining("restore step 1 (on db1: commit a marker");
        failing = line -> false;
        RestorePreview other = restores().preview(request(new RestorePoint.ToBackup("20261207-170800F"), RestoreTarget.NEW));
        assertThat(other.resumes()).isFalse();
        assertThat(other.actions()).hasSize(9);
    }

    @Test
    void inPlaceTheClusterStopsInMaintenanceIsRestoredWithDeltaAndTheJournalClosesAtTheEnd() {
        RestoreRequest request = request(new RestorePoint.ToBackup("20261207-170800F"), RestoreTarget.IN_PLACE);
        RestoreOutcome outcome = restores().restore(request);
        int maintenanceOn = calls.indexOf("maintenance on");
        int stopPrimary = calls.indexOf(matching("db1: sh -c if pg_ctlcluster").get(0));
        int restore = calls.indexOf(matching("--pg1-path=" + DATA + " ").get(0));
        assertThat(maintenanceOn).isLessThan(stopPrimary);
        assertThat(stopPrimary).isLessThan(restore);
        assertThat(calls.get(restore)).contains("--set=20261207-170800F --type=immediate --delta restore");
        assertThat(calls.indexOf("maintenance off")).isGreaterThan(calls.indexOf(matching("pg_basebackup").get(0)));
        assertThat(outcome.kept()).isEmpty();
        assertThat(Files.exists(request.journal())).isFalse();
    }

    @Test
    void finalizeRemovesTheKeptDirectoryAndClosesTheJournalButNotBeforeTheRestoreIsComplete() {
        RestoreRequest request = request(new RestorePoint.ToTime(T), RestoreTarget.NEW);
        failing = line -> line.contains("pg_basebackup");
        assertThatThrownBy(() -> restores().restore(request)).isInstanceOf(TierFailure.class);
        assertThatThrownBy(() -> restores().finalizeRestore(request.journal())).isInstanceOf(TierFailure.class)
                .hasMessageContaining("is not complete").hasMessageContaining("nothing was removed");
        failing = line -> false;
        restores().restore(request);
        calls.clear();
        RestoreOutcome finalized = restores().finalizeRestore(request.journal());
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0)).startsWith("db1: sh -c").endsWith(DATA + " " + DATA + ".before-restore-20261207-180000");
        assertThat(finalized.done()).contains("removed db1:" + DATA + ".before-restore-20261207-180000");
        assertThat(Files.exists(request.journal())).isFalse();
        assertThatThrownBy(() -> restores().finalizeRestore(request.journal())).hasMessageContaining("there is no restore to finalize");
    }
}

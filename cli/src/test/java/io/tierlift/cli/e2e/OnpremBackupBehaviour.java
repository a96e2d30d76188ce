package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.onprem.command.BackupCommands;
import io.tierlift.onprem.command.ServiceCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups on either kind of sandbox host: the compact topology plus a backup host, deployed by the CLI;
 * rows written through the WAF reach the encrypted repository in a backup and in the WAL archive,
 * {@code backup list} shows them, {@code status} reports the backup's age and the archive, and a
 * stopped repository server is a failing status. The repository key shows up nowhere.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class OnpremBackupBehaviour {
    private static final String WAL = "[0-9A-F]{24}";
    protected SandboxWorld world;
    protected String key;
    private final List<Cli> runs = new ArrayList<>();

    /** The example app with sandbox-backup.yaml and a sandbox of this kind, up, with nothing deployed. */
    protected abstract SandboxWorld createWorld() throws IOException;

    /** Stops the backup host's pgBackRest server the way it was started on this kind of host. */
    protected abstract String stopRepositoryServer();

    /** Starts the backup host's pgBackRest server again and waits until it answers. */
    protected abstract String startRepositoryServer();

    /** The fix status and plan name for a stopped repository server on this kind of host. */
    protected abstract String repositoryServerFix();

    /** Everything this kind of host logs besides pgBackRest's and PostgreSQL's files (the journal on machines). */
    protected String otherLogs(String host) {
        return "";
    }

    @BeforeAll
    void up() throws IOException {
        world = createWorld();
        key = "bk-" + Long.toHexString(System.nanoTime()) + "-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        Files.writeString(world.stateDir.resolve("secrets/notes-backup-key"), key + "\n");
    }

    @AfterAll
    void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    protected Cli tierlift(String... args) {
        Cli run = Cli.run(world.env(), args);
        runs.add(run);
        return run;
    }

    private String file() {
        return world.descriptor.toString();
    }

    @Test
    @Order(10)
    void deploySetsUpTheRepositoryAndArchivingAndTheAppServes() {
        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).contains("pgBackRest certificate signed by the backup CA").contains("starting the pgBackRest server");
        assertThat(world.exec("db1", "runuser -u postgres -- psql -At -c 'show archive_mode'").stdout().strip()).isEqualTo("on");
        assertThat(world.exec("bak1", "grep -c '^repo1-cipher-type=aes-256-cbc$' /etc/pgbackrest/pgbackrest.conf").stdout().strip())
                .isEqualTo("1");
        SandboxWorld.CurlResult created = world.curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"body\":\"before the backup\"}", "https://" + world.address("edge1") + "/api/notes");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    @Test
    @Order(20)
    void backupNowTakesAFullBackupFromTheStandbyWithItsWalRange() {
        Cli now = tierlift("backup", "now", "onprem", "-f", file(), "--type", "full");
        assertThat(now.exitCode()).as(now.all()).isZero();
        assertThat(now.out()).containsPattern("F +full .*" + WAL + "\\.\\." + WAL);
        // The data files came from the standby (backup-standby=y): the primary only gave the start and stop points.
        assertThat(world.exec("bak1", "grep -h 'backup-standby' /var/log/pgbackrest/notes-backup.log | tail -1").stdout())
                .contains("backup-standby");
    }

    @Test
    @Order(30)
    void backupListShowsTheBackupAndAJsonArrayWithItsWalRange() throws IOException {
        Cli diff = tierlift("backup", "now", "onprem", "-f", file(), "--type", "diff");
        assertThat(diff.exitCode()).as(diff.all()).isZero();
        Cli text = tierlift("backup", "list", "onprem", "-f", file());
        assertThat(text.exitCode()).as(text.all()).isZero();
        assertThat(text.out().lines().filter(l -> l.matches(".*(F|D) +(full|diff) .*" + WAL + "\\.\\." + WAL))).hasSize(2);
        Cli json = tierlift("backup", "list", "onprem", "-f", file(), "--output", "json");
        assertThat(json.exitCode()).as(json.all()).isZero();
        JsonNode list = new ObjectMapper().readTree(json.out());
        assertThat(list).hasSize(2);
        assertThat(list.get(0).path("type").asText()).isEqualTo("full");
        assertThat(list.get(1).path("type").asText()).isEqualTo("diff");
        assertThat(list.get(0).path("wal_start").asText()).matches(WAL);
        assertThat(list.get(0).path("database_bytes").asLong()).isPositive();
        // The repository is encrypted: no file in it holds the rows' text in the clear.
        assertThat(world.exec("bak1", "grep -rl 'before the backup' /var/lib/pgbackrest | wc -l").stdout().strip()).isEqualTo("0");
    }

    @Test
    @Order(40)
    void statusReportsTheLastBackupsAgeAndWorkingArchiving() {
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).containsPattern("bak1 +backup +last backup \\S+D \\(diff\\) \\d+m ago; WAL archiving works");
    }

    @Test
    @Order(50)
    void theRepositoryKeyIsInNoOutputLogOrProcessList() {
        assertNoSecretInAnyOutputLogOrProcessList(List.of(key));
        assertThat(world.exec("db1", "grep -rl -- '" + key + "' /etc /var/lib/postgresql | wc -l").stdout().strip())
                .as("the key lives on the backup host only").isEqualTo("0");
    }

    /**
     * The secrets canary for every backup verb, their error paths included: after backups, restores
     * (a refused time and id among them), repository failures and a failover, neither the repository
     * key nor a database password is in any command's output, any host's logs or process list, or
     * the restore journal.
     */
    @Test
    @Order(200)
    void noSecretIsInAnyOutputLogProcessListOrJournalAfterEveryBackupVerb() throws IOException {
        List<String> secrets = List.of(key, Files.readString(world.stateDir.resolve("secrets/notes-db-password")).strip(),
                Files.readString(world.stateDir.resolve("secrets/notes-replication-password")).strip());
        assertThat(runs.stream().map(Cli::all).filter(out -> out.contains("restore onprem") || out.contains("Restore plan"))).isNotEmpty();
        assertNoSecretInAnyOutputLogOrProcessList(secrets);
        try (var journals = Files.walk(world.root.resolve("home"))) {
            for (java.nio.file.Path journal : journals.filter(Files::isRegularFile).toList()) {
                for (String secret : secrets) {
                    assertThat(Files.readString(journal)).as(journal.toString()).doesNotContain(secret);
                }
            }
        }
    }

    private void assertNoSecretInAnyOutputLogOrProcessList(List<String> secrets) {
        for (String secret : secrets) {
            for (Cli run : runs) {
                assertThat(run.all()).doesNotContain(secret);
            }
            for (String host : List.of("edge1", "app1", "app2", "db1", "db2", "bak1")) {
                assertThat(world.exec(host, "ps -eo args").stdout()).as("processes of %s", host).doesNotContain(secret);
                assertThat(world.exec(host, "cat /var/log/pgbackrest/* /var/log/postgresql/* 2>/dev/null").stdout())
                        .as("logs of %s", host).doesNotContain(secret);
                assertThat(otherLogs(host)).as("other logs of %s", host).doesNotContain(secret);
            }
        }
    }

    @Test
    @Order(60)
    void aStoppedRepositoryServerIsAFailingStatusNamingTheArchive() {
        assertThat(world.exec("bak1", stopRepositoryServer()).exitCode()).isZero();
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.exitCode()).as(status.all()).isEqualTo(1);
        assertThat(status.out()).contains("bak1").contains("UNHEALTHY").contains("WAL archiving FAILS");
        assertThat(status.all()).doesNotContain(key);
    }

    // The restore drill: rows, a time T, more rows, a dropped table, then back to T.
    private String keptDirectory;

    /** The restore journal in a home of this run's own, so no other run's journal is continued or refused. */
    private Cli restore(String... args) {
        List<String> argv = new ArrayList<>(List.of("restore", "onprem", "-f", file()));
        argv.addAll(List.of(args));
        Cli run = Cli.run(Map.of("HOME", world.root.resolve("home").toString()), argv.toArray(String[]::new));
        runs.add(run);
        return run;
    }

    private void note(String body) {
        SandboxWorld.CurlResult created = world.curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"body\":\"" + body + "\"}", "https://" + world.address("edge1") + "/api/notes");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private List<String> notesThroughTheWaf() throws IOException {
        SandboxWorld.CurlResult list = world.curl("https://" + world.address("edge1") + "/api/notes?limit=100");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        List<String> bodies = new ArrayList<>();
        new ObjectMapper().readTree(list.body()).forEach(n -> bodies.add(n.path("body").asText()));
        return bodies;
    }

    private String sql(String host, String query) {
        return world.exec(host, "runuser -u postgres -- psql -X -At -d notes -c \"" + query + "\"").stdout().strip();
    }

    @Test
    @Order(70)
    void theRepositoryServerStartsAgainAndArchivingWorks() {
        // The server stopped at 60 is started the way the deploy starts it (a full redeploy costs minutes).
        boolean systemd = world.exec("bak1", ServiceCommands.systemdCheck().toShell()).exitCode() == 0;
        var start = world.exec("bak1", new BackupCommands(systemd, "notes").serverRestart(world.address("bak1")).toShell());
        assertThat(start.exitCode()).as(start.stderr()).isZero();
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).contains("WAL archiving works");
    }

    @Test
    @Order(75)
    void restoreToATimeBringsBackExactlyTheRowsCommittedBeforeItAndTheStandbyStreamsFromTheRestoredPrimary() throws Exception {
        note("drill before T 1");
        note("drill before T 2");
        List<String> beforeT = notesThroughTheWaf();
        Thread.sleep(50);
        Instant t = Instant.now();
        Thread.sleep(50);
        note("drill after T");
        assertThat(world.exec("db1", "runuser -u postgres -- psql -X -q -d notes -c 'DROP TABLE notes'").exitCode()).isZero();
        assertThat(world.curl("https://" + world.address("edge1") + "/api/notes").status()).isNotEqualTo(200);

        Cli preview = restore("--to-time", t.toString(), "--preview");
        assertThat(preview.exitCode()).as(preview.all()).isZero();
        assertThat(preview.out()).contains("restore backup ").contains("Warning: every write committed after " + t);
        Cli future = restore("--to-time", Instant.now().plusSeconds(3600).toString(), "--yes");
        assertThat(future.exitCode()).as(future.all()).isEqualTo(1);
        assertThat(future.err()).contains("is in the future").contains("nothing was changed");

        Cli restored = restore("--to-time", t.toString(), "--yes");
        assertThat(restored.exitCode()).as(restored.all()).isZero();
        Matcher kept = Pattern.compile("Kept until restore --finalize: db1:(\\S+)").matcher(restored.out());
        assertThat(kept.find()).as(restored.out()).isTrue();
        keptDirectory = kept.group(1);
        assertThat(restored.out()).containsPattern("recovery ended on timeline [2-9]");

        assertThat(notesThroughTheWaf()).as("exactly the rows committed before T").isEqualTo(beforeT);
        assertThat(sql("db1", "SELECT state FROM pg_stat_replication WHERE application_name = 'db2'")).isEqualTo("streaming");
        assertThat(sql("db2", "SELECT status FROM pg_stat_wal_receiver")).isEqualTo("streaming");
        assertThat(status("after the restore")).contains("WAL archiving works");
        assertThat(restored.all()).doesNotContain(key);
    }

    private String status(String when) {
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.exitCode()).as(when + ": " + status.all()).isZero();
        return status.out();
    }

    @Test
    @Order(80)
    void finalizeRemovesTheKeptClusterAndClosesTheRestore() {
        assertThat(keptDirectory).as("the restore named what it kept").isNotNull();
        assertThat(world.exec("db1", "test -d " + keptDirectory).exitCode()).as("kept until --finalize").isZero();
        Cli finalized = restore("--finalize", "--yes");
        assertThat(finalized.exitCode()).as(finalized.all()).isZero();
        assertThat(finalized.out()).contains("removed db1:" + keptDirectory);
        assertThat(world.exec("db1", "test -e " + keptDirectory).exitCode()).isNotZero();
        assertThat(Files.exists(world.root.resolve("home/.tierlift/restores/notes-onprem.json"))).isFalse();
    }

    @Test
    @Order(85)
    void anInPlaceRestoreToABackupBringsBackItsRowsKeepsNothingAndTheStandbyStreamsAgain() throws IOException {
        Cli list = tierlift("backup", "list", "onprem", "-f", file(), "--output", "json");
        assertThat(list.exitCode()).as(list.all()).isZero();
        String diff = new ObjectMapper().readTree(list.out()).get(1).path("id").asText();
        Cli unknown = restore("--to-backup", "20200101-000000F", "--target", "in-place", "--yes");
        assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(1);
        assertThat(unknown.err()).contains("has no backup 20200101-000000F").contains(diff);

        Cli restored = restore("--to-backup", diff, "--target", "in-place", "--yes");
        assertThat(restored.exitCode()).as(restored.all()).isZero();
        assertThat(restored.out()).doesNotContain("Kept until").contains("journal closed");
        assertThat(notesThroughTheWaf()).as("the rows of the differential backup").containsExactly("before the backup");
        assertThat(sql("db1", "SELECT state FROM pg_stat_replication WHERE application_name = 'db2'")).isEqualTo("streaming");
        assertThat(sql("db2", "SELECT status FROM pg_stat_wal_receiver")).isEqualTo("streaming");
        assertThat(status("after the in-place restore")).contains("WAL archiving works");
        assertThat(Files.exists(world.root.resolve("home/.tierlift/restores/notes-onprem.json"))).isFalse();
        assertThat(restored.all()).doesNotContain(key);
    }

    // A broken repository, named with its host and fix while the app serves; then a failover the backups follow.

    private static final String REPO = "/var/lib/pgbackrest";
    private static final String REPO_ORIGINAL = "/run/tierlift-test-repository";
    private static final String FILLER = "tierlift-test-filler";
    /** The newest backup's first WAL segment before the failover: the archive must be unbroken from there. */
    private String walStartBeforeFailover;
    /** The primary's timeline before the failover; the promoted standby continues on the next one. */
    private long timelineBeforeFailover;

    private String timelinePrefix(long timeline) {
        return String.format("%08X", timeline);
    }

    private void appServesReadsAndWrites(String when) {
        String edge = "https://" + world.address("edge1");
        SandboxWorld.CurlResult write = world.curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"body\":\"" + when + "\"}", edge + "/api/notes");
        assertThat(write.status()).as("a write %s: %s", when, write.body()).isEqualTo(201);
        SandboxWorld.CurlResult read = world.curl(edge + "/api/notes");
        assertThat(read.status()).as("a read %s", when).isEqualTo(200);
        assertThat(read.body()).contains(when);
    }

    @Test
    @Order(100)
    void aStoppedRepositoryServerIsNamedByStatusAndPlanWithTheFixAndTheAppServes() {
        world.exec("bak1", stopRepositoryServer());
        String problem = "the repository is unreachable: the pgBackRest server on bak1 (" + world.address("bak1")
                + ":8432) does not answer to db1; fix: " + repositoryServerFix();
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.exitCode()).as(status.all()).isEqualTo(1);
        assertThat(status.out()).containsPattern("(?m)^bak1 +backup +UNHEALTHY: " + java.util.regex.Pattern.quote(problem) + "$")
                .contains("WAL archiving FAILS: the repository is unreachable");
        Cli plan = tierlift("plan", "onprem", "-f", file(), "--detailed-exitcode");
        assertThat(plan.exitCode()).as("a warning, not a failed plan:%n%s", plan.all()).isZero();
        assertThat(plan.err()).contains("bak1").contains("warning: " + problem);
        appServesReadsAndWrites("served while the repository server is down");
        assertThat(world.exec("bak1", startRepositoryServer()).exitCode()).isZero();
    }

    @Test
    @Order(102)
    void anUnreachableRepositoryHostIsARowOfStatusWithTheFixAndTheAppServes() {
        // bak1 refuses SSH and pgBackRest connections from outside, as a host that is down or cut off.
        var cut = world.exec("bak1", "nft add table inet tierlift_test_down"
                + " && nft add chain inet tierlift_test_down input '{ type filter hook input priority -10; }'"
                + " && nft add rule inet tierlift_test_down input tcp dport '{ 22, 8432 }' reject with tcp reset");
        assertThat(cut.exitCode()).as(cut.stderr()).isZero();
        try {
            Cli status = tierlift("status", "onprem", "-f", file());
            assertThat(status.exitCode()).as(status.all()).isEqualTo(1);
            assertThat(status.out()).containsPattern("(?m)^bak1 +backup +UNHEALTHY: unreachable: ")
                    .containsPattern("(?m)^bak1 +backup +UNHEALTHY: the repository host is unreachable, WAL archiving FAILS \\(.+\\); "
                            + "fix: bring bak1 back")
                    .containsPattern("(?m)^db1 +db-primary +postgresql primary").contains("notes-api healthy");
            appServesReadsAndWrites("served while the repository host is unreachable");
            // A plan cannot say what a deploy would change on a host it cannot read: it fails, naming the host.
            Cli plan = tierlift("plan", "onprem", "-f", file());
            assertThat(plan.exitCode()).as(plan.all()).isEqualTo(1);
            assertThat(plan.err()).contains("bak1");
        } finally {
            assertThat(world.exec("bak1", "nft delete table inet tierlift_test_down").exitCode()).isZero();
        }
    }

    @Test
    @Order(105)
    void aFullRepositoryDiskIsNamedByStatusAndPlanWithTheFixAndTheAppServes() {
        // A small filesystem of bak1's own over the repository, holding a copy of it, then filled up.
        String fill = String.join("\n", "set -e",
                "mkdir -p " + REPO_ORIGINAL, "mount --bind " + REPO + " " + REPO_ORIGINAL,
                "size=$(( $(du -sb " + REPO + " | cut -f1) + 8388608 ))",
                "mount -t tmpfs -o size=$size,mode=0750,uid=$(id -u postgres),gid=$(id -g postgres) tierlift-test-full " + REPO,
                "tar -C " + REPO_ORIGINAL + " -cf - . | tar -C " + REPO + " -xpf -",
                "dd if=/dev/zero of=" + REPO + "/" + FILLER + " bs=1M 2>/dev/null || true");
        var filled = world.exec("bak1", fill);
        assertThat(filled.exitCode()).as(filled.stderr()).isZero();
        try {
            long failedBefore = Long.parseLong(sql("db1", "select failed_count from pg_stat_archiver"));
            appServesReadsAndWrites("written while the repository disk is full");
            sql("db1", "select pg_switch_wal()");
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (Long.parseLong(sql("db1", "select failed_count from pg_stat_archiver")) == failedBefore
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            Cli status = tierlift("status", "onprem", "-f", file());
            assertThat(status.exitCode()).as(status.all()).isEqualTo(1);
            assertThat(status.out())
                    .containsPattern("(?m)^bak1 +backup +UNHEALTHY: the repository's disk is full: /var/lib/pgbackrest on bak1 has 0 MiB free "
                            + "of \\d+ MiB; fix: free space in /var/lib/pgbackrest on bak1: grow the filesystem")
                    .containsPattern("(?m)^db1 +backup +UNHEALTHY: archive-push FAILS on db1: \\d+ failed attempt\\(s\\)")
                    .containsPattern("(?m)^db1 +archive +WAL archive lag: last segment archived \\d+[smh] ago");
            Cli plan = tierlift("plan", "onprem", "-f", file(), "--detailed-exitcode");
            assertThat(plan.exitCode()).as("a warning, not a failed plan:%n%s", plan.all()).isZero();
            assertThat(plan.err()).contains("warning: the repository's disk is full: /var/lib/pgbackrest on bak1")
                    .contains("fix: free space in /var/lib/pgbackrest on bak1");
            appServesReadsAndWrites("served while the repository disk is full");
        } finally {
            // Nothing reached the full copy, so it goes back whole (without the filler) before the mounts go.
            var restored = world.exec("bak1", String.join("\n", "set -e",
                    "tar -C " + REPO + " --exclude=./" + FILLER + " -cf - . | tar -C " + REPO_ORIGINAL + " -xpf -",
                    "umount -l " + REPO, "umount " + REPO_ORIGINAL, "rmdir " + REPO_ORIGINAL));
            assertThat(restored.exitCode()).as(restored.stderr()).isZero();
        }
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.out()).as(status.all()).contains("WAL archiving works").doesNotContain("disk is full")
                .containsPattern("bak1 +backup +restorable from \\S+: WAL archive unbroken " + WAL + "\\.\\." + WAL + " \\(timeline [0-9, ]+\\)");
        assertThat(status.exitCode()).as(status.all()).isZero();
    }

    @Test
    @Order(110)
    void afterAFailoverTheStanzaFollowsTheNewPrimaryAndABackupIsTakenFromItAtOnce() throws IOException {
        // A backup on the primary's current timeline (earlier tests may have restored onto a later one than 1).
        Cli incr = tierlift("backup", "now", "onprem", "-f", file(), "--type", "incr");
        assertThat(incr.exitCode()).as(incr.all()).isZero();
        timelineBeforeFailover = Long.parseLong(sql("db1", "select timeline_id from pg_control_checkpoint()"));
        JsonNode before = new ObjectMapper().readTree(tierlift("backup", "list", "onprem", "-f", file(), "--output", "json").out());
        walStartBeforeFailover = before.get(before.size() - 1).path("wal_start").asText();
        assertThat(walStartBeforeFailover).startsWith(timelinePrefix(timelineBeforeFailover));
        appServesReadsAndWrites("written before the failover");
        Cli failover = tierlift("failover", "onprem", "-f", file(), "--yes");
        assertThat(failover.exitCode()).as(failover.all()).isZero();
        assertThat(failover.err()).contains("backups follow db2 (pg1); db1 is out of the stanza").contains("WAL of db2 arrives in the repository");
        String config = world.exec("bak1", "cat /etc/pgbackrest/pgbackrest.conf").stdout();
        assertThat(config).contains("# db2\npg1-host=" + world.address("db2") + "\n").doesNotContain(world.address("db1"))
                .contains("backup-standby=n");
        appServesReadsAndWrites("written after the failover");
        assertThat(sql("db2", "select last_archived_wal from pg_stat_archiver")).as("db2 archives on its new timeline")
                .matches(timelinePrefix(timelineBeforeFailover + 1) + "[0-9A-F]{16}");

        Cli now = tierlift("backup", "now", "onprem", "-f", file(), "--type", "diff");
        assertThat(now.exitCode()).as(now.all()).isZero();
        assertThat(now.out()).containsPattern("D +diff .*" + timelinePrefix(timelineBeforeFailover + 1) + "[0-9A-F]{16}\\.\\."
                + timelinePrefix(timelineBeforeFailover + 1) + "[0-9A-F]{16}");
        assertThat(world.exec("bak1", "grep -h 'backup command begin' /var/log/pgbackrest/notes-backup.log | tail -1").stdout())
                .as("no standby is left: the copy comes from the new primary").contains("--no-backup-standby").doesNotContain("--pg2-");
    }

    @Test
    @Order(120)
    void theWalArchiveHasNoGapAcrossTheTimelineSwitch() throws IOException {
        JsonNode after = new ObjectMapper().readTree(tierlift("backup", "list", "onprem", "-f", file(), "--output", "json").out());
        String walStop = after.get(after.size() - 1).path("wal_stop").asText();
        // Read the archive's segment names straight from the repository and walk the chain here, independently of status.
        String listing = world.exec("bak1", "runuser -u postgres -- pgbackrest --stanza=notes --recurse repo-ls archive/notes").stdout();
        java.util.Set<String> segments = new java.util.TreeSet<>();
        var names = java.util.regex.Pattern.compile("/(" + WAL + ")-[0-9a-f]{40}").matcher(listing);
        while (names.find()) {
            segments.add(names.group(1));
        }
        long oldTimeline = timelineBeforeFailover;
        long newTimeline = timelineBeforeFailover + 1;
        String firstOnNewTimeline = segments.stream().filter(s -> s.startsWith(timelinePrefix(newTimeline))).findFirst().orElseThrow();
        long switchAt = segmentNumber(firstOnNewTimeline);
        for (long s = segmentNumber(walStartBeforeFailover); s < switchAt; s++) {
            assertThat(segments).as("the old timeline up to the switch").contains(segmentName(oldTimeline, s));
        }
        for (long s = switchAt; s <= segmentNumber(walStop); s++) {
            assertThat(segments).as("the new timeline from the switch to the new backup's end").contains(segmentName(newTimeline, s));
        }
        // pgBackRest's own reading of every archived file and backup (decrypted, checksums compared) agrees.
        var verify = world.exec("bak1", "runuser -u postgres -- pgbackrest --stanza=notes verify");
        assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
        assertThat(verify.stdout()).contains("verify command end: completed successfully");
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.out()).as(status.all())
                .containsPattern("bak1 +backup +restorable from \\S+: WAL archive unbroken " + WAL + "\\.\\." + timelinePrefix(newTimeline) + "[0-9A-F]{16} \\(timeline [0-9, ]*\\b"
                        + newTimeline + "\\)")
                .contains("WAL archiving works").containsPattern("(?m)^db2 +archive +WAL archive lag: ");
    }

    private static long segmentNumber(String wal) {
        return Long.parseLong(wal.substring(8, 16), 16) * 256 + Long.parseLong(wal.substring(16), 16);
    }

    private static String segmentName(long timeline, long segment) {
        return String.format("%08X%08X%08X", timeline, segment / 256, segment % 256);
    }

    @Test
    @Order(130)
    void theDescriptorEditTheFailoverAsksForRebuildsTheOldPrimaryAndBackupsComeFromItAgain() throws IOException {
        String text = Files.readString(world.descriptor);
        Files.writeString(world.descriptor, text.replace("roles: [db-primary]", "roles: [db-TMP]")
                .replace("roles: [db-standby]", "roles: [db-primary]").replace("roles: [db-TMP]", "roles: [db-standby]"));
        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        String config = world.exec("bak1", "cat /etc/pgbackrest/pgbackrest.conf").stdout();
        assertThat(config).contains("# db2\npg1-host=" + world.address("db2") + "\n")
                .contains("# db1\npg2-host=" + world.address("db1") + "\n").contains("backup-standby=y");
        Cli now = tierlift("backup", "now", "onprem", "-f", file(), "--type", "incr");
        assertThat(now.exitCode()).as(now.all()).isZero();
        assertThat(world.exec("bak1", "grep -h 'backup command begin' /var/log/pgbackrest/notes-backup.log | tail -1").stdout())
                .as("the rebuilt standby gives the data files again").contains(" --backup-standby ")
                .contains("--pg2-host=" + world.address("db1"));
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).contains("WAL archiving works").containsPattern("\\(timeline [0-9, ]*\\b" + (timelineBeforeFailover + 1) + "\\)");
        appServesReadsAndWrites("served after the rebuild");
    }

    @Test
    @Order(140)
    void afterTheFailoverARestoreToATimeBringsBackExactlyTheRowsBeforeItAndTheNewStandbyStreams() throws Exception {
        note("after the failover, before T");
        List<String> beforeT = notesThroughTheWaf();
        Thread.sleep(50);
        Instant t = Instant.now();
        Thread.sleep(50);
        note("after the failover, after T");
        Cli restored = restore("--to-time", t.toString(), "--target", "in-place", "--yes");
        assertThat(restored.exitCode()).as(restored.all()).isZero();
        assertThat(notesThroughTheWaf()).as("exactly the rows committed before T, on the promoted primary").isEqualTo(beforeT);
        assertThat(sql("db2", "SELECT state FROM pg_stat_replication WHERE application_name = 'db1'")).isEqualTo("streaming");
        assertThat(sql("db1", "SELECT status FROM pg_stat_wal_receiver")).isEqualTo("streaming");
        assertThat(status("after the restore on the promoted primary")).contains("WAL archiving works");
    }
}

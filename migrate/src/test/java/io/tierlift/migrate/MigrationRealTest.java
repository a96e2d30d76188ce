package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;
import io.tierlift.database.PgSql;
import io.tierlift.secret.SecretValue;
import io.tierlift.tier.DatabaseHostAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Migrations between real PostgreSQL 15 servers on loopback, with the app writing throughout. */
@Tag("real")
class MigrationRealTest {
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final List<String> progressLines = new CopyOnWriteArrayList<>();
    private final StringWriter planText = new StringWriter();
    private final FakeTraffic traffic = new FakeTraffic();
    private final AtomicInteger provisions = new AtomicInteger();
    private Path work;
    /** The source tier's superuser access to its database host, as an on-prem source has it. */
    private Optional<DatabaseHostAccess> sourceHost = Optional.empty();
    private final long t0 = System.nanoTime();

    @AfterEach
    void tearDown() throws Exception {
        progressLines.forEach(System.out::println);
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        if (work != null) {
            PgTools.deleteTree(work);
        }
    }

    @Test
    void logicalReplicationMovesEverythingUnderWritesWithShortDowntime() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 1_000_000);
        target.sql("postgres", "CREATE DATABASE notes");
        AppWriter writer = writer(source, target);
        writer.start();
        Thread.sleep(300);

        Migrator.Outcome outcome = migrator(source, target, Method.LOGICAL, StepHook.none()).start();
        System.out.println("logical: initial copy " + copyMillis() + " ms (subscription created -> indexes built, vacuumed, analyzed)");

        Thread.sleep(500);
        writer.stop();
        assertThat(outcome.status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(traffic.calls).containsExactly("maintenance true on SOURCE", "switch TARGET");
        assertWriterRowsAllOnTarget(writer, source, target);
        assertTablesEqualExceptNotes(source, target);
        // The verify runs before the downtime (while replication runs) and after it (on the pinned cutover state),
        // so the downtime holds the drain, the sequences and the replication switch-over only. The bound here
        // catches a cutover that waits on something it shouldn't; the figure itself is printed.
        assertThat(outcome.writeDowntime().toMillis()).as("measured write downtime").isPositive().isLessThanOrEqualTo(10_000);
        assertThat(progressLines).anyMatch(l -> l.contains("rows compared while writes continue"));
        assertThat(progressLines).anyMatch(l -> l.contains("rows at the cutover: counts and checksums match"));
        assertThat(outcome.rowsVerified()).isGreaterThan(1_000_000);
        assertThat(writer.longestGapMillis()).as("longest pause the writer saw").isLessThanOrEqualTo(outcome.writeDowntime().toMillis() + 1000);
        System.out.println("logical: write downtime " + outcome.writeDowntime().toMillis() + " ms (longest gap seen by the writer "
                + writer.longestGapMillis() + " ms), rows verified " + outcome.rowsVerified());
        assertThat(progressLines).anyMatch(l -> l.contains("public.events: copied, 1000000 rows"));
        assertThat(progressLines).anyMatch(l -> l.contains("3 secondary indexes, foreign keys and their comments built"));
        try (Connection t = target.connect("notes")) {
            assertThat(count(t, "SELECT count(*) FROM pg_indexes WHERE tablename = 'events'")).as("primary key and two indexes").isEqualTo(3);
            assertThat(count(t, "SELECT count(*) FROM pg_description WHERE description = 'by time'")).isOne();
        }

        assertThat(planText.toString()).contains("== phase copy ==", "+   migrate.copy.subscription");
        assertNoSecretAnywhere();
    }

    @Test
    void dumpMethodCopiesOfflineWithSourceQuiesced() throws Exception {
        PgCluster source = cluster("replica");
        PgCluster target = cluster("replica");
        seed(source, 200_000);
        target.sql("postgres", "CREATE DATABASE notes");
        AppWriter writer = writer(source, target);
        writer.start();
        Thread.sleep(300);

        Migrator.Outcome outcome = migrator(source, target, Method.DUMP, StepHook.none()).start();

        Thread.sleep(300);
        writer.stop();
        assertThat(outcome.status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(traffic.calls.get(0)).isEqualTo("maintenance true on SOURCE");
        assertWriterRowsAllOnTarget(writer, source, target);
        assertTablesEqualExceptNotes(source, target);
        assertThat(progressLines).anyMatch(l -> l.contains("public.events: 200000 rows"));
        System.out.println("dump: write downtime " + outcome.writeDowntime().toMillis() + " ms");
        assertNoSecretAnywhere();
    }

    @Test
    void killedDuringCopyAndDuringCutoverResumesToAVerifiedTarget() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 300_000);
        target.sql("postgres", "CREATE DATABASE notes");
        AppWriter writer = writer(source, target);
        writer.start();

        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, crashAt(Step.INITIAL_COPY)).start())
                .hasMessageContaining("crash before initial-copy");
        // A second plain start refuses: the journal is open.
        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, StepHook.none()).start())
                .hasMessageContaining("--resume").hasMessageContaining("--rollback");
        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, crashAt(Step.SEQUENCES)).resume())
                .hasMessageContaining("crash before sequences");
        assertThat(traffic.writesBlocked()).as("crashed inside the cutover: writes stay stopped").isTrue();

        Migrator.Outcome outcome = migrator(source, target, Method.LOGICAL, StepHook.none()).resume();

        Thread.sleep(300);
        writer.stop();
        assertThat(outcome.status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(provisions.get()).as("provision ran once across the runs").isEqualTo(1);
        assertWriterRowsAllOnTarget(writer, source, target);
        assertTablesEqualExceptNotes(source, target);
    }

    @Test
    void rollbackRefusesWhenTheTargetTookWritesAndNamesWhy() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 1000);
        target.sql("postgres", "CREATE DATABASE notes");
        AppWriter writer = writer(source, target);
        writer.start();
        // Strict cutover (the verify inside the downtime) and no reverse replication: today's refusal applies.
        UnaryOperator<MigrationSettings> strict = s -> s.withVerifyBeforeSwitch(true).withReverseReplication(false);
        migrator(source, target, Method.LOGICAL, StepHook.none(), strict).start();
        Thread.sleep(300);
        assertThat(writer.count(TrafficSwitch.Side.TARGET)).isPositive();
        int verified = indexOf(l -> l.contains("rows: counts and checksums match"));
        int switched = indexOf(l -> l.contains("traffic is on the aws-iaas tier"));
        assertThat(verified).as("strict: verified before the switch").isNotNegative().isLessThan(switched);
        assertThat(progressLines).noneMatch(l -> l.contains("rows at the cutover"));

        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, StepHook.none(), strict).rollback())
                .hasMessageContaining("refusing to roll back")
                .hasMessageContaining("public.notes")
                .hasMessageContaining("would lose them");
        assertThat(traffic.serving).isEqualTo(TrafficSwitch.Side.TARGET);
        long before = writer.count(TrafficSwitch.Side.TARGET);
        Thread.sleep(200);
        assertThat(writer.count(TrafficSwitch.Side.TARGET)).as("the target serves writes again").isGreaterThan(before);
        writer.stop();

        // Keeping the target: finalize removes the replication objects from both servers.
        migrator(source, target, Method.LOGICAL, StepHook.none(), strict).finalizeMigration();
        try (Connection s = source.connect("notes"); Connection t = target.connect("notes")) {
            assertThat(count(s, "SELECT count(*) FROM pg_replication_slots")).isZero();
            assertThat(count(s, "SELECT count(*) FROM pg_publication")).isZero();
            assertThat(count(t, "SELECT count(*) FROM pg_subscription")).isZero();
        }
    }

    @Test
    void rollbackAfterCutoverWithoutNewWritesServesFromTheSourceAgain() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 1000);
        target.sql("postgres", "CREATE DATABASE notes");
        migrator(source, target, Method.LOGICAL, StepHook.none()).start();

        Migrator.Outcome outcome = migrator(source, target, Method.LOGICAL, StepHook.none()).rollback();

        assertThat(outcome.status()).isEqualTo(Journal.Status.ROLLED_BACK);
        assertThat(traffic.serving).isEqualTo(TrafficSwitch.Side.SOURCE);
        assertThat(traffic.writesBlocked()).isFalse();
        AppWriter writer = writer(source, target);
        writer.start();
        Thread.sleep(300);
        writer.stop();
        assertThat(writer.count(TrafficSwitch.Side.SOURCE)).isPositive();
        assertThat(writer.errors).isEmpty();
        try (Connection s = source.connect("notes")) {
            assertThat(count(s, "SELECT count(*) FROM pg_replication_slots")).isZero();
        }
        // The journal is closed: a new migration may start.
        assertThat(new JournalStore(work.resolve("journal.json"), Clock.systemUTC()).read().orElseThrow().status())
                .isEqualTo(Journal.Status.ROLLED_BACK);
    }

    @Test
    void preflightRefusesReplicaWalLevelForLogicalAndNamesTheFix() throws Exception {
        PgCluster source = cluster("replica");
        PgCluster target = cluster("logical");
        seed(source, 10);
        target.sql("postgres", "CREATE DATABASE notes");

        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, StepHook.none()).start())
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("wal_level")
                .hasMessageContaining("ALTER SYSTEM SET wal_level = logical")
                .hasMessageContaining("rds.logical_replication = 1");
        assertThat(traffic.calls).isEmpty();
        assertThat(provisions.get()).isZero();
        try (Connection t = target.connect("notes")) {
            assertThat(count(t, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isZero();
        }
    }

    @Test
    void aTargetRowChangedInsideTheDowntimeFailsTheVerifyAfterTheSwitchAndRollbackStillLosesNoWrite() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 5000);
        target.sql("postgres", "CREATE DATABASE notes");
        AppWriter writer = writer(source, target);
        writer.start();
        // Inside the downtime, after the drain: a change only the target has (as a broken apply or a stray script would make).
        StepHook corrupt = step -> {
            if (step == Step.PIN_SNAPSHOT) {
                try {
                    target.sql("notes", "UPDATE events SET amount = amount + 1 WHERE id = 4242");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };

        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, corrupt).start())
                .isInstanceOf(VerificationFailedException.class)
                .hasMessageContaining("verification failed after the switch")
                .hasMessageContaining("public.events [")
                .hasMessageContaining("same count, different content")
                .hasMessageContaining("--rollback goes back to the onprem tier without losing a write");
        assertThat(traffic.serving).isEqualTo(TrafficSwitch.Side.TARGET);
        Journal journal = new JournalStore(work.resolve("journal.json"), Clock.systemUTC()).read().orElseThrow();
        assertThat(journal.status()).isEqualTo(Journal.Status.VERIFY_FAILED);
        assertThat(journal.finalVerify()).isEqualTo("failed");
        assertThat(journal.finalVerifyMismatches()).singleElement().asString().startsWith("public.events [");
        Thread.sleep(300);
        assertThat(writer.count(TrafficSwitch.Side.TARGET)).as("the target serves meanwhile").isPositive();

        Migrator.Outcome back = migrator(source, target, Method.LOGICAL, StepHook.none()).rollback();

        assertThat(back.status()).isEqualTo(Journal.Status.ROLLED_BACK);
        assertThat(back.notes()).anyMatch(n -> n.contains("ranges that already differed at the cutover keep the source's rows: public.events"));
        assertSourceHasEveryWriteAndKeepsGoing(writer, source);
        try (Connection s = source.connect("notes")) {
            assertThat(count(s, "SELECT count(*) FROM events WHERE id = 4242 AND amount = 42.42")).as("the source kept its own row").isOne();
        }
    }

    @Test
    void rollbackAfterCutoverReturnsTheTargetsWritesToTheSource() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 1000);
        target.sql("postgres", "CREATE DATABASE notes");
        AppWriter writer = writer(source, target);
        writer.start();
        Migrator.Outcome outcome = migrator(source, target, Method.LOGICAL, StepHook.none()).start();
        assertThat(outcome.status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(outcome.notes()).anyMatch(n -> n.contains("reverse replication"));
        Thread.sleep(500);
        assertThat(writer.count(TrafficSwitch.Side.TARGET)).isPositive();

        Migrator.Outcome back = migrator(source, target, Method.LOGICAL, StepHook.none()).rollback();

        assertThat(back.status()).isEqualTo(Journal.Status.ROLLED_BACK);
        assertThat(traffic.calls).containsExactly("maintenance true on SOURCE", "switch TARGET", "maintenance true on TARGET",
                "switch SOURCE", "maintenance false on SOURCE");
        assertSourceHasEveryWriteAndKeepsGoing(writer, source);
        try (Connection s = source.connect("notes"); Connection t = target.connect("notes")) {
            assertThat(count(s, "SELECT count(*) FROM pg_subscription")).as("reverse subscription removed").isZero();
            assertThat(count(s, "SELECT count(*) FROM pg_publication")).isZero();
            assertThat(count(s, "SELECT count(*) FROM pg_replication_slots")).isZero();
            assertThat(count(t, "SELECT count(*) FROM pg_subscription")).isZero();
            assertThat(count(t, "SELECT count(*) FROM pg_publication")).isZero();
            assertThat(count(t, "SELECT count(*) FROM pg_replication_slots")).isZero();
        }
        assertNoSecretAnywhere();
    }

    @Test
    void aDifferenceThatStaysStopsTheMigrationBeforeWritesStop() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 5000);
        target.sql("postgres", "CREATE DATABASE notes");
        AppWriter writer = writer(source, target);
        writer.start();
        StepHook strayWrite = step -> {
            if (step == Step.PRE_VERIFY) {
                try {
                    target.sql("notes", "DELETE FROM blobs WHERE id = 7");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };

        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, strayWrite).start())
                .hasMessageContaining("differences that stay")
                .hasMessageContaining("public.blobs [-inf, +inf): 2000 rows on the source, 1999 on the target")
                .hasMessageContaining("Nothing was stopped");

        assertThat(traffic.calls).as("writes never stopped").isEmpty();
        long before = writer.count(TrafficSwitch.Side.SOURCE);
        Thread.sleep(200);
        writer.stop();
        assertThat(writer.count(TrafficSwitch.Side.SOURCE)).isGreaterThan(before);
        assertThat(writer.errors).isEmpty();
        assertThat(progressLines).noneMatch(l -> l.contains("put the onprem app in maintenance"));
    }

    @Test
    void crashBetweenTheSwitchAndTheVerifyResumesWithWhatCanBeVerified() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 1000);
        target.sql("postgres", "CREATE DATABASE notes");
        AppWriter writer = writer(source, target);
        writer.start();

        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, crashAt(Step.FINAL_VERIFY)).start())
                .hasMessageContaining("crash before final-verify");
        JournalStore store = new JournalStore(work.resolve("journal.json"), Clock.systemUTC());
        assertThat(store.read().orElseThrow().status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(store.read().orElseThrow().finalVerify()).isNull();
        Thread.sleep(300);
        assertThat(writer.count(TrafficSwitch.Side.TARGET)).as("the target took writes before the resume").isPositive();

        Migrator.Outcome outcome = migrator(source, target, Method.LOGICAL, StepHook.none()).resume();

        writer.stop();
        assertThat(outcome.status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(store.read().orElseThrow().finalVerify()).isEqualTo("passed");
        assertThat(progressLines).anyMatch(l -> l.contains("compared as they are now (the cutover state died with the interrupted run)")
                && l.contains("reverse replication"));
        assertThat(writer.errors).isEmpty();
        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, StepHook.none()).resume())
                .hasMessageContaining("nothing to resume");

        // Keeping the target: finalize removes the replication in both directions.
        migrator(source, target, Method.LOGICAL, StepHook.none()).finalizeMigration();
        try (Connection s = source.connect("notes"); Connection t = target.connect("notes")) {
            for (Connection c : List.of(s, t)) {
                assertThat(count(c, "SELECT count(*) FROM pg_subscription")).isZero();
                assertThat(count(c, "SELECT count(*) FROM pg_publication")).isZero();
                assertThat(count(c, "SELECT count(*) FROM pg_replication_slots")).isZero();
            }
        }
    }

    @Test
    void crashAfterTheSwitchWithoutReverseReplicationExplainsWhatWritesSinceTheSwitchLookLike() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 1000);
        target.sql("postgres", "CREATE DATABASE notes");
        UnaryOperator<MigrationSettings> noReverse = s -> s.withReverseReplication(false);
        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, crashAt(Step.FINAL_VERIFY), noReverse).start())
                .hasMessageContaining("crash before final-verify");
        target.sql("notes", "INSERT INTO notes(body) VALUES ('written on the target after the switch')");

        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, StepHook.none(), noReverse).resume())
                .isInstanceOf(VerificationFailedException.class)
                .hasMessageContaining("public.notes [-inf, +inf): 0 rows on the source, 1 on the target")
                .hasMessageContaining("Rows the app wrote to the target since the switch")
                .hasMessageContaining("Reverse replication is off");
        assertThat(new JournalStore(work.resolve("journal.json"), Clock.systemUTC()).read().orElseThrow().status())
                .isEqualTo(Journal.Status.VERIFY_FAILED);
    }

    @Test
    void aSourceReachedAsTheAppsOwnRoleNeedsReplicationAndPublishesItsTablesByName() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 2000);
        String password = PgSql.literal(PgCluster.PASSWORD);
        // The app's role owns its database and tables, as on-prem deploys create them; it is no superuser.
        source.sql("notes", "CREATE ROLE app LOGIN PASSWORD " + password, "ALTER DATABASE notes OWNER TO app",
                "ALTER TABLE events OWNER TO app", "ALTER TABLE blobs OWNER TO app", "ALTER TABLE notes OWNER TO app",
                "ALTER TABLE \"Odd \"\"Name\"\"\" OWNER TO app");
        // The provisioned target tier has the app role too (the schema's owners refer to it).
        target.sql("postgres", "CREATE ROLE app LOGIN PASSWORD " + password, "CREATE DATABASE notes");
        DbEndpoint asApp = source.endpoint("notes", "app", source.port());

        assertThatThrownBy(() -> migrator(asApp, target, Method.LOGICAL, StepHook.none(), UnaryOperator.identity()).start())
                .hasMessageContaining("lacks the REPLICATION attribute")
                .hasMessageContaining("ALTER ROLE \"app\" REPLICATION");
        assertThat(traffic.calls).isEmpty();
        source.sql("postgres", "ALTER ROLE app REPLICATION");
        AppWriter writer = writer(source, target);
        writer.start();

        // The operator applies the fix and resumes: the preflight runs again and now passes.
        Migrator.Outcome outcome = migrator(asApp, target, Method.LOGICAL, StepHook.none(), UnaryOperator.identity()).resume();

        Thread.sleep(300);
        writer.stop();
        assertThat(outcome.status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(progressLines).anyMatch(l -> l.contains("warning: reverse replication: off") && l.contains("app is not one"));
        assertThat(progressLines).anyMatch(l -> l.contains("publication lists the 4 tables by name"));
        try (Connection s = source.connect("notes")) {
            assertThat(count(s, "SELECT count(*) FROM pg_publication WHERE NOT puballtables")).isOne();
            assertThat(count(s, "SELECT count(*) FROM pg_publication_tables")).isEqualTo(4);
            assertThat(count(s, "SELECT count(*) FROM pg_subscription")).as("no reverse subscription").isZero();
        }
        assertWriterRowsAllOnTarget(writer, source, target);
        assertTablesEqualExceptNotes(source, target);
        assertNoSecretAnywhere();
    }

    @Test
    void aSourceReachedAsTheAppsRoleGetsItsReverseSubscriptionThroughTheTiersHostAccessSoRollbackLosesNoWrite() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 2000);
        String password = PgSql.literal(PgCluster.PASSWORD);
        source.sql("notes", "CREATE ROLE app LOGIN REPLICATION PASSWORD " + password, "ALTER DATABASE notes OWNER TO app",
                "ALTER TABLE events OWNER TO app", "ALTER TABLE blobs OWNER TO app", "ALTER TABLE notes OWNER TO app",
                "ALTER TABLE \"Odd \"\"Name\"\"\" OWNER TO app");
        target.sql("postgres", "CREATE ROLE app LOGIN PASSWORD " + password, "CREATE DATABASE notes");
        DbEndpoint asApp = source.endpoint("notes", "app", source.port());
        LocalSuperuserPsql host = new LocalSuperuserPsql(source);
        sourceHost = Optional.of(host);
        AppWriter writer = writer(source, target);
        writer.start();

        Migrator.Outcome outcome = migrator(asApp, target, Method.LOGICAL, StepHook.none(), UnaryOperator.identity()).start();

        assertThat(outcome.status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(progressLines).anyMatch(l -> l.contains("info: network path: the source's server connects to the target at 127.0.0.1:"
                + target.port()) && l.contains("it answers from postgres on the test host"));
        assertThat(progressLines).anyMatch(l -> l.contains("info: reverse replication: on") && l.contains("as postgres on the test host"));
        try (Connection s = source.connect("notes")) {
            assertThat(count(s, "SELECT count(*) FROM pg_subscription s JOIN pg_roles r ON r.oid = s.subowner "
                    + "WHERE r.rolname = 'postgres' AND s.subenabled")).as("the reverse subscription, owned by the superuser").isOne();
        }
        Thread.sleep(500);
        assertThat(writer.count(TrafficSwitch.Side.TARGET)).isPositive();

        Migrator.Outcome back = migrator(asApp, target, Method.LOGICAL, StepHook.none(), UnaryOperator.identity()).rollback();

        assertThat(back.status()).isEqualTo(Journal.Status.ROLLED_BACK);
        assertSourceHasEveryWriteAndKeepsGoing(writer, source);
        try (Connection s = source.connect("notes"); Connection t = target.connect("notes")) {
            for (Connection c : List.of(s, t)) {
                assertThat(count(c, "SELECT count(*) FROM pg_subscription")).isZero();
                assertThat(count(c, "SELECT count(*) FROM pg_publication")).isZero();
                assertThat(count(c, "SELECT count(*) FROM pg_replication_slots")).isZero();
            }
        }
        assertThat(host.commandLines).as("psql ran").isNotEmpty()
                .allSatisfy(argv -> assertThat(String.join(" ", argv)).doesNotContain(PgCluster.PASSWORD));
        assertThat(host.statements).anyMatch(sql -> sql.startsWith("CREATE SUBSCRIPTION"))
                .anyMatch(sql -> sql.startsWith("DROP SUBSCRIPTION"));
        assertNoSecretAnywhere();
    }

    @Test
    void aTargetTheSourcesServerCannotReachTurnsReverseReplicationOffAndSaysWhichPath() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 100);
        source.sql("notes", "CREATE ROLE app LOGIN REPLICATION PASSWORD " + PgSql.literal(PgCluster.PASSWORD),
                "ALTER DATABASE notes OWNER TO app", "ALTER TABLE events OWNER TO app", "ALTER TABLE blobs OWNER TO app",
                "ALTER TABLE notes OWNER TO app", "ALTER TABLE \"Odd \"\"Name\"\"\" OWNER TO app");
        target.sql("postgres", "CREATE ROLE app LOGIN", "CREATE DATABASE notes");
        sourceHost = Optional.of(new LocalSuperuserPsql(source));
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        UnaryOperator<MigrationSettings> nowhere = s -> s.withTargetSeenFromSource(target.endpoint("notes", "postgres", closed));

        Migrator.Outcome outcome = migrator(source.endpoint("notes", "app", source.port()), target, Method.LOGICAL, StepHook.none(),
                nowhere).start();

        assertThat(outcome.status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(progressLines).anyMatch(l -> l.contains("warning: reverse replication: off: the source's server connects to the "
                + "target at 127.0.0.1:" + closed) && l.contains("it does not answer") && l.contains("--target-db-for-source"));
        try (Connection s = source.connect("notes")) {
            assertThat(count(s, "SELECT count(*) FROM pg_subscription")).isZero();
        }
    }

    /**
     * The tier's host access as a test host gives it: psql as the postgres superuser with the statements on
     * its standard input; every command line and statement is kept for the assertions.
     */
    private static final class LocalSuperuserPsql implements DatabaseHostAccess {
        final List<List<String>> commandLines = new CopyOnWriteArrayList<>();
        final List<String> statements = new CopyOnWriteArrayList<>();
        private final PgCluster cluster;

        LocalSuperuserPsql(PgCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public String where() {
            return "postgres on the test host";
        }

        @Override
        public String superuserSql(String sql) {
            statements.add(sql.strip());
            return run(List.of(PgCluster.BIN.resolve("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                    "-p", Integer.toString(cluster.port()), "-U", "postgres", "-d", "notes", "-At", "-f", "-"), sql);
        }

        @Override
        public Optional<String> unreachable(String host, int port) {
            try {
                run(List.of(PgCluster.BIN.resolve("pg_isready").toString(), "-h", host, "-p", Integer.toString(port), "-t", "5"), "");
                return Optional.empty();
            } catch (IllegalStateException e) {
                return Optional.of(e.getMessage());
            }
        }

        private String run(List<String> argv, String stdin) {
            commandLines.add(argv);
            try {
                ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
                builder.environment().put("PGPASSWORD", PgCluster.PASSWORD);
                Process p = builder.start();
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException(out.strip());
                }
                return out;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void resumePointsTheSubscriptionAtWhereTheSourceIsReachableNow() throws Exception {
        PgCluster source = cluster("logical");
        PgCluster target = cluster("logical");
        seed(source, 50_000);
        target.sql("postgres", "CREATE DATABASE notes");
        PortForward first = new PortForward(source.port());
        cleanup.add(first);
        UnaryOperator<MigrationSettings> viaFirst = s -> s.withSourceSeenFromTarget(source.endpoint("notes", "postgres", first.port()));
        assertThatThrownBy(() -> migrator(source, target, Method.LOGICAL, crashAt(Step.INITIAL_COPY), viaFirst).start())
                .hasMessageContaining("crash before initial-copy");
        // The tunnel goes away with the crashed run; the next run's tunnel listens on another port.
        first.close();
        PortForward second = new PortForward(source.port());
        cleanup.add(second);
        AppWriter writer = writer(source, target);
        writer.start();

        Migrator.Outcome outcome = migrator(source, target, Method.LOGICAL, StepHook.none(),
                s -> s.withSourceSeenFromTarget(source.endpoint("notes", "postgres", second.port()))).resume();

        Thread.sleep(300);
        writer.stop();
        assertThat(outcome.status()).isEqualTo(Journal.Status.CUT_OVER);
        assertThat(progressLines).anyMatch(l -> l.contains("subscription tierlift_notes now reaches the source at 127.0.0.1:" + second.port()));
        assertThat(second.accepted()).as("the subscription came through the new tunnel").isPositive();
        try (Connection t = target.connect("notes"); Statement st = t.createStatement();
             ResultSet rs = st.executeQuery("SELECT subconninfo FROM pg_subscription")) {
            rs.next();
            assertThat(rs.getString(1).contains(" port=" + second.port() + " ")).isTrue();
        }
        assertWriterRowsAllOnTarget(writer, source, target);
        assertTablesEqualExceptNotes(source, target);
        assertNoSecretAnywhere();
    }

    // ---- fixtures ------------------------------------------------------------------------------

    private PgCluster cluster(String walLevel) throws Exception {
        if (work == null) {
            work = Files.createTempDirectory("tierlift-migrate-test");
        }
        PgCluster c = new PgCluster(walLevel);
        cleanup.add(c);
        return c;
    }

    private static void seed(PgCluster source, int events) throws Exception {
        source.sql("postgres", "CREATE DATABASE notes");
        source.sql("notes",
                "CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, amount numeric(12,2), ratio float8)",
                "INSERT INTO events(kind, at, amount, ratio) SELECT 'k' || (g % 17), timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', "
                        + "g / 100.0, g / 3.0 FROM generate_series(1, " + events + ") g",
                // Secondary indexes (and a comment on one), as an app has: built on the target after the copy.
                "CREATE INDEX events_kind_idx ON events (kind)", "CREATE INDEX events_at_idx ON events (at)",
                "COMMENT ON INDEX events_at_idx IS 'by time'",
                "CREATE TABLE blobs (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, data bytea, doc jsonb)",
                "INSERT INTO blobs(data, doc) SELECT decode(md5(g::text), 'hex') || '\\x00ff'::bytea, "
                        + "jsonb_build_object('g', g, 'tags', jsonb_build_array('a', g), 'q', 'it''s \"quoted\"') FROM generate_series(1, 2000) g",
                "CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL, tags jsonb)",
                "CREATE TABLE \"Odd \"\"Name\"\"\" (a int, b text, PRIMARY KEY (a, b))",
                "INSERT INTO \"Odd \"\"Name\"\"\" SELECT g % 10, 'x' || g FROM generate_series(1, 500) g",
                "ANALYZE");
    }

    private AppWriter writer(PgCluster source, PgCluster target) {
        AppWriter w = new AppWriter(traffic, () -> source.connect("notes"), () -> target.connect("notes"));
        cleanup.add(w::stop);
        return w;
    }

    private StepHook crashAt(Step step) {
        return s -> {
            if (s == step) {
                throw new IllegalStateException("crash before " + step);
            }
        };
    }

    /** From the subscription's creation to the end of the index step: the initial copy as the migration sees it. */
    private long copyMillis() {
        double from = seconds(progressLines.get(indexOf(l -> l.contains("| CREATE SUBSCRIPTION"))));
        double to = seconds(progressLines.get(indexOf(l -> l.contains("target tables vacuumed and analyzed"))));
        return Math.round((to - from) * 1000);
    }

    private static double seconds(String progressLine) {
        return Double.parseDouble(progressLine.trim().split(" ")[0]);
    }

    private int indexOf(java.util.function.Predicate<String> line) {
        for (int i = 0; i < progressLines.size(); i++) {
            if (line.test(progressLines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private Migrator migrator(PgCluster source, PgCluster target, Method method, StepHook hook) {
        return migrator(source, target, method, hook, UnaryOperator.identity());
    }

    private Migrator migrator(PgCluster source, PgCluster target, Method method, StepHook hook, UnaryOperator<MigrationSettings> tweak) {
        return migrator(source.endpoint("notes"), target, method, hook, tweak);
    }

    private Migrator migrator(DbEndpoint sourceEndpoint, PgCluster target, Method method, StepHook hook, UnaryOperator<MigrationSettings> tweak) {
        MigrationSettings settings = tweak.apply(MigrationSettings.defaults("notes", "onprem", "aws-iaas",
                sourceEndpoint, target.endpoint("notes"), method, work));
        Redactor redactor = new Redactor();
        Connections connections = new Connections(ref -> new SecretValue(ref, PgCluster.PASSWORD), redactor);
        return new Migrator(settings, connections, new PgTools(PgCluster.BIN, connections),
                new JournalStore(work.resolve("journal.json"), Clock.systemUTC()), provisions::incrementAndGet, traffic,
                (scope, message) -> progressLines.add(String.format("%8.3f %s | %s", (System.nanoTime() - t0) / 1e9, scope, message)), new PrintWriter(planText, true), hook, Clock.systemUTC(),
                sourceHost);
    }

    /** After a rollback: every note the target took is on the source, and the app goes on writing there without an id clash. */
    private void assertSourceHasEveryWriteAndKeepsGoing(AppWriter writer, PgCluster source) throws Exception {
        assertThat(traffic.serving).isEqualTo(TrafficSwitch.Side.SOURCE);
        assertThat(traffic.writesBlocked()).isFalse();
        long sourceBefore = writer.count(TrafficSwitch.Side.SOURCE);
        Thread.sleep(400);
        writer.stop();
        assertThat(writer.errors).as("writer errors (an id clash would show here)").isEmpty();
        List<Long> onTarget = writer.written.stream().filter(w -> w.side() == TrafficSwitch.Side.TARGET).map(AppWriter.Written::id).toList();
        List<Long> afterRollback = writer.written.stream().filter(w -> w.side() == TrafficSwitch.Side.SOURCE).skip(sourceBefore)
                .map(AppWriter.Written::id).toList();
        assertThat(onTarget).as("written to the target after the cutover").isNotEmpty();
        assertThat(afterRollback).as("written to the source after the rollback").isNotEmpty();
        long maxTarget = onTarget.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(afterRollback).allMatch(id -> id > maxTarget);
        try (Connection s = source.connect("notes")) {
            assertThat(ids(s)).containsAll(onTarget).containsAll(afterRollback);
            assertThat(count(s, "SELECT count(*) FROM notes")).isEqualTo(writer.written.size());
        }
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Set<Long> ids(Connection c) throws Exception {
        Set<Long> out = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM notes")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /** Every note committed on the source is on the target, and the target's own inserts got fresh ids. */
    private void assertWriterRowsAllOnTarget(AppWriter writer, PgCluster source, PgCluster target) throws Exception {
        assertThat(writer.errors).as("writer errors").isEmpty();
        assertThat(writer.count(TrafficSwitch.Side.SOURCE)).as("rows written to the source").isPositive();
        assertThat(writer.count(TrafficSwitch.Side.TARGET)).as("rows written to the target after the switch").isPositive();
        try (Connection t = target.connect("notes")) {
            Set<Long> onTarget = ids(t);
            List<Long> fromSource = writer.written.stream().filter(w -> w.side() == TrafficSwitch.Side.SOURCE).map(AppWriter.Written::id).toList();
            assertThat(onTarget).containsAll(fromSource);
            long maxSource = fromSource.stream().mapToLong(Long::longValue).max().orElseThrow();
            assertThat(writer.written.stream().filter(w -> w.side() == TrafficSwitch.Side.TARGET).map(AppWriter.Written::id))
                    .allMatch(id -> id > maxSource);
            assertThat(count(t, "SELECT count(*) FROM notes")).isEqualTo(writer.written.size());
        }
    }

    private void assertTablesEqualExceptNotes(PgCluster source, PgCluster target) throws Exception {
        Redactor redactor = new Redactor();
        try (Sql s = new Sql(source.connect("notes"), "source", redactor); Sql t = new Sql(target.connect("notes"), "target", redactor)) {
            List<TableRef> tables = new Catalog().tables(s).stream().filter(x -> !x.name().equals("notes")).toList();
            assertThat(tables).hasSize(3);
            Verifier.Report report = new Verifier(100_000).compare(s, t, tables);
            assertThat(report.mismatches()).isEmpty();
            assertThat(t.number("SELECT nextval('blobs_id_seq')")).isGreaterThan(2000);
        }
    }

    private void assertNoSecretAnywhere() throws Exception {
        assertThat(String.join("\n", progressLines)).doesNotContain(PgCluster.PASSWORD);
        assertThat(planText.toString()).doesNotContain(PgCluster.PASSWORD);
        assertThat(Files.readString(work.resolve("journal.json"))).doesNotContain(PgCluster.PASSWORD)
                .contains("${env:TIERLIFT_TEST_PGPASSWORD}");
    }
}

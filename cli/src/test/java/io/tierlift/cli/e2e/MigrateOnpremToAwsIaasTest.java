package io.tierlift.cli.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code migrate --from onprem --to aws-iaas} for real: the example deployed to a sandbox data
 * center, its database grown with a large table, bytea/jsonb rows and a sequence, a client writing
 * notes through the WAF the whole time; AWS is moto (the target tier is provisioned there) and the
 * target database a real PostgreSQL cluster on loopback (moto's RDS has no server behind it). The
 * source is reached as the descriptor says: through an SSH tunnel to the db-primary.
 * The target cluster also listens on the bridge, where the db-primary reaches it: the reverse
 * subscription, created on the primary as postgres over SSH, brings the target's writes back.
 * Logical replication, then --rollback after writes on the target (every one back on the source,
 * read through the edge); dump; a run killed with SIGKILL during the copy and during the cutover
 * and finished by --resume, then --finalize, which leaves no replication object on either side.
 */
@Tag("sandbox")
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MigrateOnpremToAwsIaasTest {
    /** Tables compared between source and target. */
    private static final List<String> TABLES = List.of("notes", "big", "blobs");

    private SandboxWorld world;
    private MotoShim moto;
    private ElasticLoadBalancingV2Client elb;
    private MigrateTargetCluster target;
    private OnpremMigrationSource source;
    private Map<String, String> env;
    private String edge;
    private final List<String> secrets = new ArrayList<>();

    @BeforeAll
    void up() throws Exception {
        moto = MotoShim.start();
        world = new SandboxWorld("sandbox.yaml", 44, "tl-brmig");
        // After the bridge exists: the cluster binds this machine's address on it.
        target = new MigrateTargetCluster(world.subnetPrefix + "1", world.subnetPrefix + "0/24");
        source = new OnpremMigrationSource(world);
        edge = "https://" + world.address("edge1");
        // The same app on aws-iaas; moto has no ACM, so the ALB listens on plain HTTP, allowed explicitly.
        Files.writeString(world.descriptor, Files.readString(world.descriptor) + """
                  aws-iaas:
                    region: eu-west-1
                    vpc_cidr: 10.20.0.0/16
                    nat: single
                    instance_type: t3.small
                    scaling: { min: 1, max: 2, cpu_target: 50 }
                    database: { class: db.t4g.medium, multi_az: false }
                    allow_http: true
                """);
        Path home = Files.createDirectories(world.root.resolve("home"));
        env = Map.of("HOME", home.toString(), "AWS_ENDPOINT_URL", moto.endpoint().toString(), "AWS_REGION", "eu-west-1",
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing", "NO_COLOR", "1",
                MigrateTargetCluster.PASSWORD_VARIABLE, target.password);
        elb = MotoClients.of(ElasticLoadBalancingV2Client.builder(), moto.endpoint(), "eu-west-1");
        secrets.add(Files.readString(world.stateDir.resolve("secrets/notes-db-password")).strip());
        secrets.add(Files.readString(world.stateDir.resolve("secrets/notes-replication-password")).strip());
        secrets.add(target.password);
    }

    @AfterAll
    void down() throws Exception {
        try {
            if (world != null) {
                world.close();
            }
        } finally {
            try {
                if (elb != null) {
                    elb.close();
                }
                if (moto != null) {
                    moto.close();
                }
            } finally {
                if (target != null) {
                    target.close();
                }
            }
        }
    }

    private Cli tierlift(String... args) {
        return Cli.run(env, args);
    }

    private String[] migrate(String targetDatabase, String... extra) {
        List<String> args = new ArrayList<>(List.of("migrate", "--from", "onprem", "--to", "aws-iaas", "-f", world.descriptor.toString(),
                "--target-db", target.url(targetDatabase),
                // The db-primary is in the sandbox: it reaches the target on the bridge, not on this machine's loopback.
                "--target-db-for-source", target.url(targetDatabase, world.subnetPrefix + "1")));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    @Order(1)
    void theSourceIsDeployedAndHoldsMoreThanTheAppsOwnTable() {
        Cli deploy = tierlift("deploy", "onprem", "-f", world.descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        // Created as the app role, as the app's own migrations would: the migration copies as that role.
        String seeded = sourceSql("""
                SET ROLE notes;
                CREATE TABLE big (id bigserial PRIMARY KEY, payload text NOT NULL);
                INSERT INTO big (payload) SELECT repeat(md5(g::text), 6) FROM generate_series(1, 300000) g;
                CREATE TABLE blobs (id serial PRIMARY KEY, data bytea NOT NULL, doc jsonb NOT NULL);
                INSERT INTO blobs (data, doc) SELECT decode(md5(g::text) || md5((g * 7)::text), 'hex') || '\\x00ff'::bytea,
                    jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g % 7), 'nested', jsonb_build_object('x', g * 1.5, 'q', 'it''s'))
                  FROM generate_series(1, 2000) g;
                CREATE SEQUENCE invoice_numbers START 1000;
                SELECT count(nextval('invoice_numbers')) FROM generate_series(1, 37);
                SELECT pg_size_pretty(pg_total_relation_size('big'));
                """);
        assertThat(seeded).contains("37");
        assertThat(world.curl("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"body\":\"before the migration\"}",
                edge + "/api/notes").status()).isEqualTo(201);
    }

    @Test
    @Order(2)
    void logicalReplicationMovesEveryAcknowledgedWriteWithAShortMaintenanceWindow() throws Exception {
        target.createDatabase("notes_logical");
        Cli run;
        MigrateNoteWriter writer = new MigrateNoteWriter(edge + "/api/notes", "logical");
        try (CommandLineWatch watch = new CommandLineWatch()) {
            Thread.sleep(1000);
            run = tierlift(migrate("notes_logical", "--yes"));
            Thread.sleep(500);
            // The drain of the app's sessions runs psql as postgres on db1 every 100 ms.
            watch.assertNoneContains(target.password, "psql -X -q -v ON_ERROR_STOP=1");
        } finally {
            writer.close();
        }
        assertMigrated(run, writer, "notes_logical");
        assertThat(run.err()).as("the path the reverse subscription needs, checked from the primary")
                .contains("info: network path: the source's server connects to the target at " + world.subnetPrefix + "1:" + target.port())
                .contains("it answers from postgres on db1 over SSH")
                .contains("reverse replication: on: at the cutover the target's changes flow back to the source through a "
                        + "subscription created as postgres on db1 over SSH");
        assertThat(sourceSql("SELECT count(*) FROM pg_subscription WHERE subenabled;").strip()).as("the reverse subscription runs")
                .isEqualTo("1");
        assertThat(run.err()).as("the source role was made able to replicate, and it is said")
                .contains("granted REPLICATION to role notes on db1");
        assertThat(run.err()).contains("source database reached through SSH: 127.0.0.1:");
        assertThat(run.out()).contains("Plan: migrate notes from onprem to aws-iaas (logical)");
        assertThat(run.out()).contains("switch: point the app's domain at the CloudFront distribution");
    }

    @Test
    @Order(3)
    void rollbackBringsEveryWriteTheTargetTookBackToTheSourceReadableThroughTheEdge() throws Exception {
        long sourceMax = Long.parseLong(sourceSql("SELECT max(id) FROM notes;").strip());
        long updated = Long.parseLong(sourceSql("SELECT min(id) FROM notes;").strip());
        long deleted = Long.parseLong(sourceSql("SELECT min(id) FROM notes WHERE id > " + updated + ";").strip());
        List<Long> inserted = new ArrayList<>();
        try (Connection c = target.connect("notes_logical"); Statement st = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
                ResultSet rs = st.executeQuery("INSERT INTO notes (body) VALUES ('written on the target " + i + "') RETURNING id");
                rs.next();
                inserted.add(rs.getLong(1));
            }
            assertThat(inserted.get(0)).as("the target's sequence continues after the source's").isGreaterThan(sourceMax);
            st.execute("UPDATE notes SET body = 'changed on the target' WHERE id = " + updated);
            st.execute("DELETE FROM notes WHERE id = " + deleted);
            st.execute("UPDATE blobs SET doc = doc || '{\"on\": \"target\"}' WHERE id <= 10");
            ResultSet rs = st.executeQuery("SELECT nextval('invoice_numbers')");
            rs.next();
            assertThat(rs.getLong(1)).as("a plain sequence continues too").isEqualTo(1037);
        }
        Cli back;
        try (CommandLineWatch watch = new CommandLineWatch()) {
            back = tierlift(migrate("notes_logical", "--rollback", "--yes"));
            watch.assertNoneContains(target.password, "sshd");
        }

        assertThat(back.exitCode()).as(back.all()).isZero();
        assertThat(back.out()).contains("Migration rolled back.")
                .contains("the source has every write the aws-iaas tier took since the cutover");
        assertThat(back.err()).contains("maintenance | off for [edge1]")
                .as("the target stops writes while the source catches up").contains("on for the ALB of notes-default-iaas-compute");
        for (String table : TABLES) {
            assertThat(sourceDigest(table)).as("count and checksum of %s", table).isEqualTo(targetDigest("notes_logical", table));
        }
        for (long id : inserted) {
            SandboxWorld.CurlResult read = world.curl(edge + "/api/notes/" + id);
            assertThat(read.status()).as("note %d read through the edge: %s", id, read.body()).isEqualTo(200);
            assertThat(read.body()).contains("written on the target");
        }
        assertThat(world.curl(edge + "/api/notes/" + updated).body()).contains("changed on the target");
        assertThat(world.curl(edge + "/api/notes/" + deleted).status()).as("deleted on the target, gone on the source").isEqualTo(404);
        assertThat(sourceSql("SELECT last_value FROM invoice_numbers;").strip()).isEqualTo("1037");
        assertNoReplicationObjects("notes_logical");
        SandboxWorld.CurlResult write = world.curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"body\":\"after the rollback\"}", edge + "/api/notes");
        assertThat(write.status()).as("the source takes writes again: %s", write.body()).isEqualTo(201);
        assertThat(Long.parseLong(write.body().replaceAll("(?s).*\"id\":\\s*(\\d+).*", "$1")))
                .as("with an id after the target's").isGreaterThan(inserted.get(inserted.size() - 1));
        assertNoSecret(back);
    }

    @Test
    @Order(4)
    void dumpMovesEverythingWhileTheSourceIsInMaintenance() throws Exception {
        target.createDatabase("notes_dump");
        Cli run;
        MigrateNoteWriter writer = new MigrateNoteWriter(edge + "/api/notes", "dump");
        try {
            Thread.sleep(1000);
            run = tierlift(migrate("notes_dump", "--yes", "--method", "dump"));
            Thread.sleep(500);
        } finally {
            writer.close();
        }
        assertMigrated(run, writer, "notes_dump");
        assertThat(MigrateAwsTiersMotoTest.maintenanceRuleOnAlb(elb))
                .as("aws-iaas serves: the rollback before left its ALB in maintenance, the switch ends that").isFalse();
        assertThat(run.err()).doesNotContain("granted REPLICATION");
        rollBack("notes_dump");
    }

    @Test
    @Order(5)
    void killedDuringTheCopyThenResumed() throws Exception {
        killedThenResumed("notes_kill_copy", line -> line.contains(": copying"), "kill-copy");
    }

    @Test
    @Order(6)
    void killedDuringTheCutoverThenResumedThenFinalizedLeavesNoReplicationObjectOnEitherSide() throws Exception {
        killedThenResumed("notes_kill_cutover", line -> line.contains("maintenance | on for"), "kill-cutover");
        assertThat(sourceSql("SELECT count(*) FROM pg_subscription;").strip()).as("reverse replication runs before --finalize")
                .isEqualTo("1");
        Cli finalized = tierlift(migrate("notes_kill_cutover", "--finalize", "--yes"));
        assertThat(finalized.exitCode()).as(finalized.all()).isZero();
        assertThat(finalized.out()).contains("Migration finalized.");
        assertNoReplicationObjects("notes_kill_cutover");
        assertNoSecret(finalized);
    }

    private void killedThenResumed(String database, java.util.function.Predicate<String> killAt, String prefix) throws Exception {
        target.createDatabase(database);
        String seen;
        MigrateNoteWriter writer = new MigrateNoteWriter(edge + "/api/notes", prefix);
        Cli resumed;
        try {
            Thread.sleep(500);
            seen = KilledRun.until(env, killAt, migrate(database, "--yes"));
            resumed = tierlift(migrate(database, "--resume"));
            Thread.sleep(500);
        } finally {
            writer.close();
        }
        assertThat(resumed.err()).contains("resuming after step");
        assertMigrated(resumed, writer, database);
        assertThat(seen).doesNotContain(secrets.get(0)).doesNotContain(target.password);
        if (!database.equals("notes_kill_cutover")) {
            rollBack(database);
        }
    }

    private void rollBack(String database) {
        Cli back = tierlift(migrate(database, "--rollback", "--yes"));
        assertThat(back.exitCode()).as(back.all()).isZero();
        assertThat(world.curl("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"body\":\"written after the rollback\"}",
                edge + "/api/notes").status()).as("the source takes writes after the rollback").isEqualTo(201);
    }

    /** No subscription, publication or replication slot of the migration on the source's primary or on the target. */
    private void assertNoReplicationObjects(String database) throws Exception {
        source.assertNoReplicationObjects(target, database);
    }

    /**
     * Samples every command line on this machine (the sandbox's hosts are namespaces of it, so their
     * sshd and psql processes show too) while a run goes on: a password must never be one's argument.
     */
    private static final class CommandLineWatch implements AutoCloseable {
        private final Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        private final java.util.concurrent.atomic.AtomicInteger samples = new java.util.concurrent.atomic.AtomicInteger();
        private final Thread sampler = new Thread(() -> {
            while (running.get()) {
                try {
                    Process ps = new ProcessBuilder("ps", "-eo", "args", "--no-headers").redirectErrorStream(true).start();
                    new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().forEach(seen::add);
                    ps.waitFor();
                    samples.incrementAndGet();
                    Thread.sleep(50);
                } catch (Exception e) {
                    return;
                }
            }
        }, "command-line-watch");

        CommandLineWatch() {
            sampler.setDaemon(true);
            sampler.start();
        }

        /** {@code expected}: part of a command line the run must have shown, so the sampling saw its processes at all. */
        void assertNoneContains(String secret, String expected) throws InterruptedException {
            close();
            assertThat(samples.get()).as("process list samples taken").isGreaterThan(5);
            assertThat(seen).as("command lines seen").anyMatch(l -> l.contains(expected));
            assertThat(seen).as("no command line carries the password").noneMatch(l -> l.contains(secret));
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            sampler.join(5000);
        }
    }

    /** What every finished migration must show: all acknowledged writes moved, equal tables, downtime, no secret. */
    private void assertMigrated(Cli run, MigrateNoteWriter writer, String database) throws Exception {
        // 1036 from the seeding; 1037 once the rollback brought back the number the target drew.
        assertThat(source.assertMigrated(run, writer, target, database, TABLES)).isBetween(1036L, 1037L);
        assertNoSecret(run);
    }

    private void assertNoSecret(Cli... runs) {
        for (Cli run : runs) {
            for (String secret : secrets) {
                assertThat(run.all()).as("no secret in the output").doesNotContain(secret);
            }
        }
    }

    private String sourceDigest(String table) {
        return source.digest(table);
    }

    private String targetDigest(String database, String table) throws Exception {
        return OnpremMigrationSource.digest(target, database, table);
    }

    /** SQL on the source's primary as postgres over the sandbox's exec (not through tierlift). */
    private String sourceSql(String sql) {
        return source.sql(sql);
    }
}

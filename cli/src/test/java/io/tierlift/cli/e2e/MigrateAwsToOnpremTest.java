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
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code migrate --from aws-iaas --to onprem}: leaving the cloud for owned servers. The aws-iaas
 * tier is deployed on moto; its database is a real PostgreSQL standing in for RDS (TLS only, the
 * master user no superuser, {@code rds.logical_replication} on), listening on this world's bridge
 * address so the on-prem db-primary's subscription can reach it, named with --source-db. The
 * target is the namespace sandbox's data center, deployed by the migration itself. A writer plays
 * the app on the source (straight into its database, stopping when the ALB's maintenance rule
 * appears); a poller reads a migrated note through the on-prem edge the whole time. Then dump,
 * runs killed during the copy and the cutover and resumed, and the same move from aws-serverless
 * (the same database, fronted by the Lambda tier: writes stop at its maintenance switch).
 */
@Tag("sandbox")
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MigrateAwsToOnpremTest {
    private static final String SOURCE_PASSWORD_VARIABLE = "TIERLIFT_MIGRATE_SOURCE_PASSWORD";
    private static final String IAAS = "aws-iaas";
    private static final String SERVERLESS = "aws-serverless";
    private static final List<String> TABLES = List.of("notes", "big", "blobs", "schema_migrations");

    private SandboxWorld world;
    private MotoShim moto;
    private RdsStandIn rds;
    private ElasticLoadBalancingV2Client elb;
    private CloudFormationClient cfn;
    private LambdaClient lambda;
    private Map<String, String> env;
    private String edge;
    private String gateway;
    private final String sourcePassword = "rds-master-" + Long.toHexString(System.nanoTime());
    private final List<String> secrets = new ArrayList<>();

    @BeforeAll
    void up() throws Exception {
        moto = MotoShim.start();
        world = new SandboxWorld("sandbox.yaml", 71, "tl-brtoon");
        edge = "https://" + world.address("edge1");
        gateway = world.subnetPrefix + "1";
        Files.writeString(world.descriptor, Files.readString(world.descriptor) + """
                  aws-iaas:
                    region: eu-west-1
                    vpc_cidr: 10.20.0.0/16
                    nat: single
                    instance_type: t3.small
                    scaling: { min: 1, max: 2, cpu_target: 50 }
                    database: { class: db.t4g.medium, multi_az: false }
                    allow_http: true
                  aws-serverless:
                    region: eu-west-1
                    lambda: { architecture: x86_64, memory_mb: 1024, timeout_s: 15 }
                    database: { min_acu: 0.5, max_acu: 4 }
                """);
        // Only this world's bridge address: the sandbox's hosts reach it, nothing else does.
        rds = new RdsStandIn(InetAddress.getByName(gateway), world.subnetPrefix + "0/24", true);
        rds.createMasterUserAndDatabase("notes", sourcePassword, "notes");
        rds.grantReplication("notes");
        // As on RDS, the master user is a member of rds_superuser: tierlift would create the reverse subscription with it.
        rds.grantRdsSuperuserRole("notes");
        Path home = Files.createDirectories(world.root.resolve("home"));
        env = Map.of("HOME", home.toString(), "AWS_ENDPOINT_URL", moto.endpoint().toString(), "AWS_REGION", "eu-west-1",
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing", "NO_COLOR", "1",
                SOURCE_PASSWORD_VARIABLE, sourcePassword);
        elb = MotoClients.of(ElasticLoadBalancingV2Client.builder(), moto.endpoint(), "eu-west-1");
        cfn = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), "eu-west-1");
        lambda = MotoClients.of(LambdaClient.builder(), moto.endpoint(), "eu-west-1");
        secrets.add(Files.readString(world.stateDir.resolve("secrets/notes-db-password")).strip());
        secrets.add(Files.readString(world.stateDir.resolve("secrets/notes-replication-password")).strip());
        secrets.add(sourcePassword);
    }

    @AfterAll
    void down() throws Exception {
        try {
            if (world != null) {
                world.close();
            }
        } finally {
            try {
                if (rds != null) {
                    rds.close();
                }
            } finally {
                for (AutoCloseable client : new AutoCloseable[]{elb, cfn, lambda}) {
                    if (client != null) {
                        client.close();
                    }
                }
                if (moto != null) {
                    moto.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void aSourceTheOnpremPrimaryCannotReachIsRefusedBeforeAnythingIsDeployed() {
        Cli refused = tierlift(migrate(IAAS, "--yes", "--source-db-for-target",
                "postgresql://notes@" + gateway + ":1/notes?password_ref=${env:" + SOURCE_PASSWORD_VARIABLE + "}"));
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("blocker: network path: db1 (the onprem db-primary) cannot connect to the source database at "
                + gateway + ":1 (TCP, for the subscription), checked from db1: ").contains("Nothing was changed.");
        assertThat(world.curl(edge + "/").status()).as("nothing serves on the edge").isZero();
        assertThat(world.exec("db1", "test -e /etc/postgresql/15/main/pg_hba.conf").exitCode()).as("no cluster was made").isNotZero();
    }

    @Test
    @Order(2)
    void theSourceTierIsDeployedOnMotoAndItsDatabaseHoldsTheAppsData() throws Exception {
        Cli deploy = tierlift("deploy", "aws-iaas", "-f", world.descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(maintenanceRuleOnAlb()).isFalse();
        try (Connection c = source(); Statement st = c.createStatement()) {
            // What the app's release command leaves, then data of every kind the copy must carry.
            st.execute(Files.readString(world.appDir.resolve("backend/notes/migrations/0001_create_notes.sql")));
            st.execute("CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            st.execute("INSERT INTO schema_migrations (version) VALUES ('0001_create_notes')");
            st.execute("INSERT INTO notes (body) SELECT 'seed-' || g FROM generate_series(1, 500) g");
            st.execute("CREATE TABLE big (id bigserial PRIMARY KEY, payload text NOT NULL)");
            st.execute("INSERT INTO big (payload) SELECT repeat(md5(g::text), 6) FROM generate_series(1, 200000) g");
            st.execute("CREATE TABLE blobs (id serial PRIMARY KEY, data bytea NOT NULL, doc jsonb NOT NULL)");
            st.execute("INSERT INTO blobs (data, doc) SELECT decode(md5(g::text), 'hex') || '\\x00ff'::bytea, "
                    + "jsonb_build_object('n', g, 'q', 'it''s') FROM generate_series(1, 2000) g");
            st.execute("CREATE SEQUENCE invoice_numbers START 1000");
            st.execute("SELECT nextval('invoice_numbers') FROM generate_series(1, 37)");
        }
    }

    @Test
    @Order(3)
    void logicalReplicationMovesEveryAcknowledgedWriteAndTheEdgeNeverServesTheEmptyDatabase() throws Exception {
        Cli run;
        EdgePoller poller = new EdgePoller();
        SourceWriter writer = new SourceWriter("logical");
        try {
            writer.awaitWrites(5);
            run = tierlift(migrate(IAAS, "--yes"));
        } finally {
            writer.close();
            poller.close();
        }
        assertMigrated(run, writer);
        assertThat(run.err()).as("the path was checked from db1 before anything changed")
                .contains("db1 (the onprem db-primary) connects to the source database at " + gateway + ":" + rds.port()
                        + " (TCP, for the subscription): open, checked from db1")
                .contains("release command not run: the database stays empty")
                .contains("the app is held in maintenance until the switch: edge1 answers 503")
                .contains("as role tierlift_migrate")
                .contains("maintenance | off for [edge1]: edge1 answers 200")
                .as("no outside server may subscribe to the on-prem database: reverse replication is off before it is tried")
                .contains("warning: reverse replication: off: the on-prem pg_hba.conf admits the migration role only from db1 itself");
        assertThat(run.out()).as("the plan has no reverse step").containsPattern("steps +preflight, ").doesNotContain("reverse-replication");
        assertThat(run.err()).doesNotContain("reverse replication: on");
        assertThat(run.err().indexOf("network path: db1")).as("the path check came before the deploy")
                .isLessThan(run.err().indexOf("release command not run"));
        assertThat(poller.statuses().keySet()).as("before the switch the new edge answers only the maintenance page: %s",
                poller.statuses()).containsAnyOf(503).isSubsetOf(0, 503, 200);
        assertThat(poller.servedWithoutTheMigratedNote()).as("no 200 without the migrated note").isZero();

        SandboxWorld.CurlResult page = world.curl(edge + "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).containsIgnoringCase("<html");
        SandboxWorld.CurlResult note = world.curl(edge + "/api/notes/1");
        assertThat(note.status()).as(note.body()).isEqualTo(200);
        assertThat(note.body()).contains("\"body\":\"seed-1\"");
        SandboxWorld.CurlResult write = world.curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"body\":\"written on-prem after the migration\"}", edge + "/api/notes");
        assertThat(write.status()).as("the app writes into the migrated database: %s", write.body()).isEqualTo(201);

        assertThat(onprem("db1", "SELECT state FROM pg_stat_replication WHERE application_name = 'db2'")).isEqualTo("streaming");
        assertThat(onprem("db2", "SELECT status FROM pg_stat_wal_receiver")).isEqualTo("streaming");
        awaitOnStandby("written on-prem after the migration");
        Cli status = tierlift("status", "onprem", "-f", world.descriptor.toString());
        assertThat(status.out()).as(status.all()).containsPattern("db1 +db-primary +postgresql primary; replication: db2 streaming")
                .containsPattern("edge +maintenance +maintenance off");
    }

    @Test
    @Order(4)
    void dumpMovesEverythingWhileTheSourceIsInMaintenance() throws Exception {
        resetTarget();
        Cli run;
        SourceWriter writer = new SourceWriter("dump");
        try {
            writer.awaitWrites(5);
            run = tierlift(migrate(IAAS, "--yes", "--method", "dump"));
        } finally {
            writer.close();
        }
        assertMigrated(run, writer);
        assertThat(run.err()).as("a dump needs no path between the servers: tierlift moves the data").doesNotContain("network path");
        assertThat(world.curl(edge + "/api/notes/1").body()).contains("\"body\":\"seed-1\"");
    }

    @Test
    @Order(5)
    void killedDuringTheCopyThenResumed() throws Exception {
        killedThenResumed(line -> line.contains(": copying"), "kill-copy");
    }

    @Test
    @Order(6)
    void killedDuringTheCutoverThenResumed() throws Exception {
        killedThenResumed(line -> line.contains("maintenance | on for"), "kill-cutover");
    }

    @Test
    @Order(7)
    void fromAwsServerlessTheSameWayOnlyWritesStopAtTheLambda() throws Exception {
        resetTarget();
        Path serverless = ServerlessOnMoto.descriptorWithoutRequirements(world);
        Cli deploy = tierlift("deploy", SERVERLESS, "-f", serverless.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(lambdaInMaintenance()).isFalse();

        Cli run;
        SourceWriter writer = new SourceWriter("serverless", this::lambdaInMaintenance);
        try {
            writer.awaitWrites(5);
            run = tierlift(migrate(SERVERLESS, "--yes"));
        } finally {
            writer.close();
        }
        assertMigrated(run, writer, SERVERLESS);
        assertThat(run.err()).contains("db1 (the onprem db-primary) connects to the source database at " + gateway + ":" + rds.port())
                .contains("the app is held in maintenance until the switch: edge1 answers 503")
                .containsPattern("lambda notes-default-sls-api-\\S+ \\| maintenance on");
        assertThat(lambdaInMaintenance()).as("the source stays stopped after the cutover").isTrue();
        SandboxWorld.CurlResult note = world.curl(edge + "/api/notes/1");
        assertThat(note.status()).as(note.body()).isEqualTo(200);
        assertThat(note.body()).contains("\"body\":\"seed-1\"");
        assertThat(onprem("db1", "SELECT state FROM pg_stat_replication WHERE application_name = 'db2'")).isEqualTo("streaming");
    }

    private void killedThenResumed(Predicate<String> killAt, String prefix) throws Exception {
        resetTarget();
        String seen;
        SourceWriter writer = new SourceWriter(prefix);
        Cli resumed;
        try {
            writer.awaitWrites(5);
            seen = KilledRun.until(env, killAt, migrate(IAAS, "--yes"));
            resumed = tierlift(migrate(IAAS, "--resume"));
        } finally {
            writer.close();
        }
        assertThat(resumed.err()).contains("resuming after step");
        assertMigrated(resumed, writer);
        for (String secret : secrets) {
            assertThat(seen).doesNotContain(secret);
        }
    }

    /**
     * Back to an empty on-prem database for the next migration: the finished one finalized (its
     * replication objects gone on both sides), the database dropped and made again as the deploy
     * makes it, and the source serving again.
     */
    private void resetTarget() {
        resetTarget(IAAS);
    }

    private void resetTarget(String from) {
        Cli finalized = tierlift(migrate(from, "--finalize", "--yes"));
        assertThat(finalized.exitCode()).as(finalized.all()).isZero();
        onprem("db1", "DROP DATABASE notes WITH (FORCE)", "postgres");
        onprem("db1", "CREATE DATABASE notes OWNER notes ENCODING 'UTF8' LOCALE 'C.UTF-8' TEMPLATE template0", "postgres");
        Cli serving = tierlift("maintenance", "off", "aws-iaas", "-f", world.descriptor.toString());
        assertThat(serving.exitCode()).as(serving.all()).isZero();
        assertThat(maintenanceRuleOnAlb()).isFalse();
    }

    /** Every acknowledged write on the on-prem primary, equal tables and sequence, the standby following, no secret. */
    private void assertMigrated(Cli run, SourceWriter writer) throws Exception {
        assertMigrated(run, writer, IAAS);
    }

    private void assertMigrated(Cli run, SourceWriter writer, String from) throws Exception {
        assertThat(run.exitCode()).as("%s%nsource log:%n%s", run.all(), tail(rds.log())).isZero();
        assertThat(run.out()).contains("Plan: migrate notes from " + from + " to onprem").contains("Migration cut over.");
        Matcher downtime = Pattern.compile("write downtime (\\d+) ms").matcher(run.out());
        assertThat(downtime.find()).as("downtime reported:%n%s", run.out()).isTrue();
        System.out.println("migrate " + from + " -> onprem (" + writer.prefix + "): write downtime " + downtime.group(1) + " ms, "
                + writer.acknowledged().size() + " writes acknowledged by the source");
        assertThat(writer.failure()).as("the writer's writes").isNull();
        assertThat(writer.sawMaintenance()).as("the writer met the ALB's maintenance rule").isTrue();
        Set<String> onTarget = new HashSet<>(List.of(onprem("db1", "SELECT body FROM notes").split("\n")));
        assertThat(onTarget).as("every acknowledged write is on the on-prem primary").containsAll(writer.acknowledged());
        for (String table : TABLES) {
            assertThat(onprem("db1", DIGEST.formatted(table))).as("count and checksum of %s", table).isEqualTo(sourceDigest(table));
        }
        assertThat(onprem("db1", "SELECT last_value FROM invoice_numbers")).isEqualTo("1036");
        assertThat(onprem("db1", "SELECT tableowner FROM pg_tables WHERE tablename = 'notes'")).as("the app role owns its tables")
                .isEqualTo("notes");
        // The standby was built from the empty primary at the deploy and follows it physically: it has the copy too.
        String last = writer.acknowledged().get(writer.acknowledged().size() - 1);
        awaitOnStandby(last);
        for (String secret : secrets) {
            assertThat(run.all()).as("no secret in the output").doesNotContain(secret);
        }
    }

    private void awaitOnStandby(String body) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String found = "";
        while (System.nanoTime() < deadline) {
            found = onprem("db2", "SELECT count(*) FROM notes WHERE body = '" + body.replace("'", "''") + "'");
            if (found.equals("1")) {
                return;
            }
            Thread.sleep(200);
        }
        assertThat(found).as("db2 (the standby) has %s", body).isEqualTo("1");
    }

    private Cli tierlift(String... args) {
        return ServerlessOnMoto.tierlift(env, args);
    }

    /** The Lambda's TIERLIFT_MAINTENANCE switch, read from moto. */
    private boolean lambdaInMaintenance() {
        String function = cfn.describeStacks(b -> b.stackName("notes-default-sls-api")).stacks().get(0).outputs().stream()
                .filter(o -> o.outputKey().equals("FunctionName")).findFirst().orElseThrow().outputValue();
        var environment = lambda.getFunctionConfiguration(b -> b.functionName(function)).environment();
        return environment != null && "on".equals(environment.variables().get("TIERLIFT_MAINTENANCE"));
    }

    /** The same source database whichever AWS tier fronts it: the tiers differ only in how writes stop. */
    private String[] migrate(String from, String... extra) {
        List<String> args = new ArrayList<>(List.of("migrate", "--from", from, "--to", "onprem", "-f", world.descriptor.toString(),
                "--source-db", "postgresql://notes@" + gateway + ":" + rds.port() + "/notes?password_ref=${env:" + SOURCE_PASSWORD_VARIABLE + "}"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private Connection source() throws SQLException {
        return rds.connectAs("notes", sourcePassword, "notes");
    }

    /** Row count and an order-independent checksum of every row's text, in UTC so both servers print alike. */
    private static final String DIGEST = "SET TimeZone = 'UTC'; SELECT count(*) || ' ' || coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0) FROM %s t;";

    private String sourceDigest(String table) throws SQLException {
        try (Connection c = rds.connect("notes"); Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            ResultSet rs = st.executeQuery(DIGEST.formatted(table).substring(DIGEST.indexOf("SELECT")));
            rs.next();
            return rs.getString(1);
        }
    }

    private String onprem(String host, String sql) {
        return onprem(host, sql, "notes");
    }

    /** SQL as postgres on a sandbox database host, through the sandbox's exec (not through tierlift); the last line. */
    private String onprem(String host, String sql, String database) {
        var result = world.sandbox.execInHost(host, List.of("runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-At",
                "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql));
        assertThat(result.exitCode()).as("%s on %s%n%s", sql, host, result.stderr()).isZero();
        String out = result.stdout().strip();
        return sql.startsWith("SET ") ? out.substring(out.lastIndexOf('\n') + 1) : out;
    }

    /** Whether any listener of any ALB has the priority-1 fixed-503 rule: read from moto, not through tierlift. */
    private boolean maintenanceRuleOnAlb() {
        return elb.describeLoadBalancers(b -> { }).loadBalancers().stream()
                .flatMap(lb -> elb.describeListeners(b -> b.loadBalancerArn(lb.loadBalancerArn())).listeners().stream())
                .flatMap(l -> elb.describeRules(b -> b.listenerArn(l.listenerArn())).rules().stream())
                .anyMatch(r -> "1".equals(r.priority()) && r.actions().stream().anyMatch(a ->
                        a.type() == ActionTypeEnum.FIXED_RESPONSE && "503".equals(a.fixedResponseConfig().statusCode())));
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    /**
     * The app on the source tier, as its database sees it: a note inserted every 20 ms over the
     * master user's TLS connection until a request would meet the ALB's maintenance rule (checked
     * before each write; the Lambda's switch for aws-serverless). A body counts as acknowledged once its commit returned.
     */
    private final class SourceWriter implements AutoCloseable {
        private final String prefix;
        private final List<String> acknowledged = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean stopping;
        private volatile boolean sawMaintenance;
        private volatile Throwable failure;

        private final java.util.function.BooleanSupplier sourceInMaintenance;

        SourceWriter(String prefix) {
            this(prefix, MigrateAwsToOnpremTest.this::maintenanceRuleOnAlb);
        }

        /** {@code sourceInMaintenance}: what a request meets on the source tier (the ALB's rule, the Lambda's switch). */
        SourceWriter(String prefix, java.util.function.BooleanSupplier sourceInMaintenance) {
            this.prefix = prefix;
            this.sourceInMaintenance = sourceInMaintenance;
            thread = new Thread(this::run, "source-writer-" + prefix);
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try (Connection c = source(); PreparedStatement insert = c.prepareStatement("INSERT INTO notes (body) VALUES (?)")) {
                int n = 0;
                while (!stopping) {
                    if (sourceInMaintenance.getAsBoolean()) {
                        sawMaintenance = true;
                        return;
                    }
                    String body = prefix + "-" + (++n);
                    insert.setString(1, body);
                    insert.executeUpdate();
                    acknowledged.add(body);
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failure = e;
            }
        }

        void awaitWrites(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acknowledged.size() < count && failure == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(failure).as("the writer failed").isNull();
            assertThat(acknowledged.size()).isGreaterThanOrEqualTo(count);
        }

        List<String> acknowledged() {
            return List.copyOf(acknowledged);
        }

        boolean sawMaintenance() {
            return sawMaintenance;
        }

        Throwable failure() {
            return failure;
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            thread.join(10_000);
        }
    }

    /**
     * A user of the new site from the start: reads a migrated note through the on-prem edge every
     * 250 ms. Counts answers by status (0: nothing listens yet) and every 200 that lacks the note.
     */
    private final class EdgePoller implements AutoCloseable {
        private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        private volatile int servedWithoutNote;
        private volatile boolean stopping;
        private final Thread thread;

        EdgePoller() {
            thread = new Thread(() -> {
                while (!stopping) {
                    SandboxWorld.CurlResult answer = world.curl("--max-time", "3", edge + "/api/notes/1");
                    statuses.merge(answer.status(), 1, Integer::sum);
                    if (answer.status() == 200 && !answer.body().contains("\"body\":\"seed-1\"")) {
                        servedWithoutNote++;
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "edge-poller");
            thread.setDaemon(true);
            thread.start();
        }

        Map<Integer, Integer> statuses() {
            return Map.copyOf(statuses);
        }

        int servedWithoutTheMigratedNote() {
            return servedWithoutNote;
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            thread.join(10_000);
        }
    }
}

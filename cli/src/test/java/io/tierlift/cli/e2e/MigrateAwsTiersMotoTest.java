package io.tierlift.cli.e2e;

import io.tierlift.cli.Tiers;
import io.tierlift.onprem.tier.ConnectorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code migrate --from aws-iaas --to aws-serverless} end to end: both tiers on moto (aws-iaas
 * deployed first, aws-serverless provisioned by the migration), their databases two real
 * PostgreSQL 15 clusters on loopback standing in for RDS and Aurora (moto's have no server
 * behind them), named with --source-db and --target-db. The source is reached as a superuser, so
 * reverse replication runs after the cutover. A writer plays the app: it writes to the source
 * until it sees the ALB's maintenance rule on moto, then, once traffic moved, to the target; the
 * rollback then brings those target writes back to the source. Then the direction back, {@code
 * --from aws-serverless --to aws-iaas}: the Aurora stand-in's database moved into a fresh database
 * of the RDS stand-in under a writer that stops at the Lambda's maintenance switch. Last, aws-iaas →
 * aws-serverless by dump into a fresh database of the Aurora stand-in, under the same kind of writer.
 */
@Tag("moto")
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MigrateAwsTiersMotoTest {
    private static final String REGION = "eu-west-1";
    /**
     * The same region as aws-iaas: the tiers' stacks and account-unique names carry the tier
     * ({@code notes-default-iaas-data}, {@code notes-default-sls-data}), so deploying aws-serverless
     * next to aws-iaas leaves every aws-iaas stack as it was (asserted below).
     */
    private static final String SERVERLESS_REGION = REGION;
    private static final String SOURCE_PASSWORD_VARIABLE = "TIERLIFT_MIGRATE_SOURCE_PASSWORD";
    private static final String DATABASE = "notes";
    private static final List<String> SERVERLESS_STACKS = List.of("notes-default-sls-api", "notes-default-sls-data", "notes-default-sls-static");
    /** Tables compared between source and target. */
    private static final List<String> TABLES = List.of("notes", "docs");
    /** Writes the writer makes on the target once traffic moved, before the rollback. */
    private static final int TARGET_WRITES = 15;

    private final String dbCanary = "CANARY-db-" + UUID.randomUUID();
    private final String tokenCanary = "CANARY-token-" + UUID.randomUUID();
    private final List<String> secrets = new ArrayList<>();

    private MotoShim moto;
    private MigrateTargetCluster source;
    private MigrateTargetCluster target;
    private Path root;
    private Path descriptor;
    private Map<String, String> env;
    private CloudFormationClient cfn;
    private CloudFormationClient cfnServerless;
    private ElasticLoadBalancingV2Client elb;
    private LambdaClient lambda;
    private AppWriter writer;
    /** Set when the migration cut over, so the rollback test fails at once, not on a writer that never moves. */
    private boolean cutOver;

    @BeforeAll
    void start() throws Exception {
        moto = MotoShim.start();
        // Two clusters: the source for RDS, the target for Aurora. Both publish (forward, then reverse
        // replication), which needs wal_level=logical on each.
        source = new MigrateTargetCluster();
        target = new MigrateTargetCluster();
        enableLogicalDecoding(source);
        enableLogicalDecoding(target);
        for (MigrateTargetCluster cluster : List.of(source, target)) {
            cluster.createDatabase(DATABASE);
            // Owned by the app's role, as RDS and Aurora give the database to the master user: on
            // PostgreSQL 15 only the owner may create in its public schema.
            try (Connection c = cluster.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("ALTER DATABASE " + DATABASE + " OWNER TO notes");
            }
        }
        seedSource();

        root = Files.createTempDirectory("tierlift-migrate-aws-tiers-");
        Path app = root.resolve("app");
        Path example = Path.of("../examples/notes");
        copyTree(example.resolve("backend"), app.resolve("backend"));
        copyTree(example.resolve("frontend/dist"), app.resolve("frontend/dist"));
        if (!Files.exists(app.resolve("frontend/dist/index.html"))) {
            throw new IllegalStateException("examples/notes/frontend/dist is missing: build it first (bin/test does)");
        }
        // As in AwsServerlessMotoTest: this machine's package index has the example's binary wheels for
        // CPython 3.11 only, and the Lambda runtime is 3.12, so the package is built without requirements.
        Files.writeString(app.resolve("backend/requirements.txt"), "# no dependencies in the moto test\n");
        // moto has no ACM: the ALB listens on plain HTTP, which the descriptor must allow explicitly.
        descriptor = app.resolve("app.yaml");
        Files.writeString(descriptor, """
                app: notes
                frontend: { path: frontend, dist: frontend/dist }
                backend:
                  path: backend
                  wsgi: "notes.app:app"
                  python: "3.11"
                  requirements: requirements.txt
                  health: /api/health
                  release_command: "python -m notes.migrate"
                  env:
                    NOTES_API_TOKEN: "${env:NOTES_API_TOKEN}"
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}", version: 15 }
                targets:
                  aws-iaas:
                    region: eu-west-1
                    vpc_cidr: 10.20.0.0/16
                    nat: single
                    instance_type: t3.small
                    scaling: { min: 1, max: 2, cpu_target: 50 }
                    database: { class: db.t4g.medium, multi_az: false }
                    allow_http: true
                  aws-serverless:
                    region: %s
                    lambda: { architecture: x86_64, memory_mb: 1024, timeout_s: 15 }
                    database: { min_acu: 0.5, max_acu: 4 }
                """.formatted(SERVERLESS_REGION));
        Path home = Files.createDirectories(root.resolve("home"));
        env = Map.ofEntries(Map.entry("AWS_ENDPOINT_URL", moto.endpoint().toString()), Map.entry("AWS_REGION", REGION),
                Map.entry("AWS_ACCESS_KEY_ID", "testing"), Map.entry("AWS_SECRET_ACCESS_KEY", "testing"),
                Map.entry("HOME", home.toString()), Map.entry("NO_COLOR", "1"), Map.entry("PATH", System.getenv("PATH")),
                Map.entry("NOTES_DB_PASSWORD", dbCanary), Map.entry("NOTES_API_TOKEN", tokenCanary),
                Map.entry(SOURCE_PASSWORD_VARIABLE, source.password),
                Map.entry(MigrateTargetCluster.PASSWORD_VARIABLE, target.password));
        secrets.addAll(List.of(dbCanary, tokenCanary, source.password, target.password));

        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        cfn = CloudFormationClient.builder().region(Region.of(REGION)).endpointOverride(moto.endpoint())
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        cfnServerless = CloudFormationClient.builder().region(Region.of(SERVERLESS_REGION)).endpointOverride(moto.endpoint())
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        elb = ElasticLoadBalancingV2Client.builder().region(Region.of(REGION)).endpointOverride(moto.endpoint())
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        lambda = LambdaClient.builder().region(Region.of(SERVERLESS_REGION)).endpointOverride(moto.endpoint())
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    void stop() throws Exception {
        if (writer != null) {
            writer.close();
        }
        for (AutoCloseable c : new AutoCloseable[]{cfn, cfnServerless, elb, lambda, moto, source, target}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("cleanup: " + e);
            }
        }
        if (root != null) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    @Order(1)
    void theSourceTierIsDeployed() {
        Cli deploy = tierlift("deploy", "aws-iaas", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(stack(cfn, "notes-default-iaas-compute")).isPresent();
        assertThat(maintenanceRuleOnAlb()).as("no maintenance before the migration").isFalse();
        assertThat(parameter(cfn, "notes-default-iaas-compute", "ReleaseCommandAtBoot"))
                .as("a deploy's instances run the release command when they start").isEqualTo("true");
        assertNoSecret(deploy);
    }

    @Test
    @Order(2)
    void migrateMovesEveryAcknowledgedWriteAndLeavesTheSourceInMaintenance() throws Exception {
        writer = new AppWriter(() -> source.connect(DATABASE), () -> target.connect(DATABASE), () -> maintenanceRuleOnAlb(elb));
        writer.awaitSourceWrites(5);
        Cli run = tierlift(migrate("--yes"));
        long returnedAt = System.nanoTime();

        assertThat(run.exitCode()).as("%s%nsource log:%n%s%ntarget log:%n%s%nmoto log:%n%s", run.all(), tail(source.log()),
                tail(target.log()), tail(moto.log())).isZero();
        cutOver = true;
        assertThat(run.out()).contains("Plan: migrate notes from aws-iaas to aws-serverless (logical)")
                .contains("(--source-db)").contains("(--target-db)").contains("Migration cut over.");
        Matcher downtime = Pattern.compile("write downtime (\\d+) ms").matcher(run.out());
        assertThat(downtime.find()).as("downtime reported:%n%s", run.out()).isTrue();
        System.out.println("migrate aws-iaas -> aws-serverless: write downtime " + downtime.group(1) + " ms, "
                + writer.onSource().size() + " writes acknowledged by the source");
        assertThat(run.err()).as("the target tier was provisioned by the migration, in its step")
                .contains("provision  | deploy the aws-serverless tier").contains("notes-default-sls-api | CREATE_COMPLETE");
        assertThat(lambdaInvocations.asked()).as("the migration's provision set up the app's role and ran no release command: "
                + "the copy brings the schema").containsExactly(AnsweringReleaseInvoker.APP_ROLE);
        assertThat(run.err()).contains("release command not run: the migration copies the schema");

        for (String name : SERVERLESS_STACKS) {
            assertThat(stack(cfnServerless, name)).as(name).hasValueSatisfying(s -> assertThat(s.stackStatusAsString()).endsWith("_COMPLETE"));
        }
        assertThat(output(cfnServerless, "notes-default-sls-api", "FunctionName")).isNotBlank();
        // The source tier must survive the target's deploy: the rollback sends traffic back to it.
        assertThat(stack(cfn, "notes-default-iaas-compute")).as("the aws-iaas compute stack").isPresent();
        assertThat(stackResourceTypes("notes-default-iaas-data")).as("the aws-iaas database after aws-serverless was deployed")
                .contains("AWS::RDS::DBInstance");

        assertThat(writer.maintenanceSeenAt()).as("the writer saw the ALB's fixed-503 rule during the cutover")
                .hasValueSatisfying(seen -> assertThat(seen).isLessThan(returnedAt));
        assertThat(maintenanceRuleOnAlb()).as("the source stays in maintenance after the cutover").isTrue();

        Set<String> onTarget = bodies(target);
        assertThat(writer.onSource()).as("the writer got writes in before the cutover").hasSizeGreaterThan(5);
        assertThat(onTarget).as("every write the source acknowledged is on the target").containsAll(writer.onSource());
        for (String table : TABLES) {
            assertThat(digest(target, table)).as("count and checksum of %s", table).isEqualTo(digest(source, table));
        }
        assertThat(lastValue(target, "invoice_numbers")).as("the sequence moved").isEqualTo(lastValue(source, "invoice_numbers"));
        assertThat(maintenanceVariable()).as("the target serves").isEmpty();
        assertNoSecret(run);
        assertNoSecretInJournal();
    }

    @Test
    @Order(3)
    void rollbackBringsTheTargetsWritesBackAndSendsTrafficToTheSource() throws Exception {
        assertThat(cutOver).as("the migration cut over").isTrue();
        writer.trafficMovedToTarget();
        writer.awaitTargetWrites(TARGET_WRITES);
        writer.close();
        assertThat(writer.failure()).as("the writer's writes all succeeded").isEmpty();

        Cli back = tierlift(migrate("--rollback", "--yes"));
        assertThat(back.exitCode()).as("%s%nsource log:%n%s%ntarget log:%n%s", back.all(), tail(source.log()),
                tail(target.log())).isZero();
        assertThat(back.out()).contains("Migration rolled back.");
        assertThat(back.err()).as("the target stops first, then the source takes traffic again")
                .containsPattern("lambda notes-default-sls-api-\\S+ \\| maintenance on")
                .contains("maintenance | off for the ALB of notes-default-iaas-compute");

        Set<String> onSource = bodies(source);
        assertThat(onSource).as("the target's writes came back through reverse replication").containsAll(writer.onTarget());
        assertThat(onSource).containsAll(writer.onSource());
        for (String table : TABLES) {
            assertThat(digest(source, table)).as("count and checksum of %s", table).isEqualTo(digest(target, table));
        }
        assertThat(lastValue(source, "invoice_numbers")).as("the sequence came back").isEqualTo(lastValue(target, "invoice_numbers"));
        assertThat(maintenanceVariable()).as("the target is stopped").hasValue("on");
        assertThat(maintenanceRuleOnAlb()).as("the source serves again: its maintenance rule is gone").isFalse();
        assertNoSecret(back);
        assertNoSecretInJournal();
    }

    /**
     * aws-serverless → aws-iaas, the direction back: the Aurora stand-in holds the app's data in a
     * database of its own, the RDS stand-in gets an empty one owned by the app's role. A writer
     * writes to the source until the Lambda's maintenance switch is on, then to the target.
     */
    @Test
    @Order(4)
    void serverlessToIaasMovesEveryAcknowledgedWriteUnderAWriter() throws Exception {
        assertThat(cutOver).as("the first migration ran").isTrue();
        for (var side : List.of(Map.entry(target, "notes_sls"), Map.entry(source, "notes_iaas"))) {
            side.getKey().createDatabase(side.getValue());
            try (Connection c = side.getKey().connect("postgres"); Statement st = c.createStatement()) {
                st.execute("ALTER DATABASE " + side.getValue() + " OWNER TO notes");
            }
        }
        seed(target, "notes_sls");
        // The rollback left aws-serverless in maintenance; as the source of this migration it serves first.
        Cli off = tierlift("maintenance", "off", "aws-serverless", "-f", descriptor.toString());
        assertThat(off.exitCode()).as(off.all()).isZero();
        assertThat(maintenanceVariable()).as("aws-serverless serves").isEmpty();
        AppWriter back = new AppWriter(() -> target.connect("notes_sls"), () -> source.connect("notes_iaas"),
                () -> maintenanceVariable().isPresent());
        Cli run;
        try {
            back.awaitSourceWrites(5);
            run = tierlift("migrate", "--from", "aws-serverless", "--to", "aws-iaas", "-f", descriptor.toString(),
                    "--source-db", target.url("notes_sls"),
                    "--target-db", source.url("notes_iaas").replace(MigrateTargetCluster.PASSWORD_VARIABLE, SOURCE_PASSWORD_VARIABLE),
                    "--yes");
            assertThat(run.exitCode()).as("%s%nsource log:%n%s%ntarget log:%n%s", run.all(), tail(target.log()),
                    tail(source.log())).isZero();
            back.trafficMovedToTarget();
            back.awaitTargetWrites(5);
        } finally {
            back.close();
        }
        assertThat(back.failure()).as("the writer's writes all succeeded").isEmpty();
        assertThat(run.out()).contains("Plan: migrate notes from aws-serverless to aws-iaas (logical)").contains("Migration cut over.");
        Matcher downtime = Pattern.compile("write downtime (\\d+) ms").matcher(run.out());
        assertThat(downtime.find()).as("downtime reported:%n%s", run.out()).isTrue();
        System.out.println("migrate aws-serverless -> aws-iaas: write downtime " + downtime.group(1) + " ms, "
                + back.onSource().size() + " writes acknowledged by the source");
        assertThat(run.err()).containsPattern("lambda notes-default-sls-api-\\S+ \\| maintenance on");
        assertThat(parameter(cfn, "notes-default-iaas-compute", "ReleaseCommandAtBoot"))
                .as("the instances the migration's provision launched start without the release command").isEqualTo("false");
        assertThat(run.err()).contains("release command not run: the migration copies the schema");
        assertThat(back.maintenanceSeenAt()).as("the writer met the Lambda's maintenance switch").isPresent();
        assertThat(back.onSource()).as("writes acknowledged by the source before the cutover").hasSizeGreaterThan(5);
        Set<String> onIaas = new HashSet<>();
        try (Connection c = source.connect("notes_iaas"); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT body FROM notes");
            while (rs.next()) {
                onIaas.add(rs.getString(1));
            }
        }
        assertThat(onIaas).as("every write the source acknowledged, and the target's own, on aws-iaas's database")
                .containsAll(back.onSource()).containsAll(back.onTarget());
        try (Connection s = target.connect("notes_sls"); Connection t = source.connect("notes_iaas");
             Statement ss = s.createStatement(); Statement ts = t.createStatement()) {
            ResultSet rs = ss.executeQuery("SELECT last_value FROM invoice_numbers");
            rs.next();
            long sourceLast = rs.getLong(1);
            rs = ts.executeQuery("SELECT last_value FROM invoice_numbers");
            rs.next();
            assertThat(rs.getLong(1)).as("the sequence moved, and went on on the target").isGreaterThanOrEqualTo(sourceLast);
        }
        assertThat(maintenanceRuleOnAlb()).as("aws-iaas serves").isFalse();
        assertThat(maintenanceVariable()).as("aws-serverless stays in maintenance after the cutover").hasValue("on");
        assertNoSecret(run);
    }

    /**
     * aws-iaas → aws-serverless again, by dump this time: the RDS stand-in's database (where the
     * previous test left the app) restored into a fresh database of the Aurora stand-in while the
     * ALB answers 503, under a writer that stops at that rule and, once traffic moved, writes on.
     */
    @Test
    @Order(5)
    void dumpIntoServerlessMovesEveryRowAndTheSequenceWhileTheSourceIsInMaintenance() throws Exception {
        assertThat(maintenanceRuleOnAlb()).as("aws-iaas serves after the migration back").isFalse();
        target.createDatabase("notes_sls_dump");
        try (Connection c = target.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE notes_sls_dump OWNER TO notes");
        }
        String sourceDb = source.url("notes_iaas").replace(MigrateTargetCluster.PASSWORD_VARIABLE, SOURCE_PASSWORD_VARIABLE);
        AppWriter dumped = new AppWriter(() -> source.connect("notes_iaas"), () -> target.connect("notes_sls_dump"),
                this::maintenanceRuleOnAlb);
        Cli run;
        long returnedAt;
        try {
            dumped.awaitSourceWrites(5);
            run = tierlift("migrate", "--from", "aws-iaas", "--to", "aws-serverless", "-f", descriptor.toString(),
                    "--source-db", sourceDb, "--target-db", target.url("notes_sls_dump"), "--method", "dump", "--yes");
            returnedAt = System.nanoTime();
            assertThat(run.exitCode()).as("%s%nsource log:%n%s%ntarget log:%n%s", run.all(), tail(source.log()),
                    tail(target.log())).isZero();
            // As of the cutover, before the writer writes on the target: both sides hold the same rows.
            for (String table : TABLES) {
                assertThat(digest(target, "notes_sls_dump", table)).as("count and checksum of %s", table)
                        .isEqualTo(digest(source, "notes_iaas", table));
            }
            assertThat(lastValue(target, "notes_sls_dump", "invoice_numbers")).as("the sequence moved")
                    .isEqualTo(lastValue(source, "notes_iaas", "invoice_numbers"));
            dumped.trafficMovedToTarget();
            dumped.awaitTargetWrites(5);
        } finally {
            dumped.close();
        }
        assertThat(dumped.failure()).as("the writer's writes all succeeded").isEmpty();
        assertThat(run.out()).contains("Plan: migrate notes from aws-iaas to aws-serverless (dump)").contains("Migration cut over.");
        Matcher downtime = Pattern.compile("write downtime (\\d+) ms").matcher(run.out());
        assertThat(downtime.find()).as("downtime reported:%n%s", run.out()).isTrue();
        System.out.println("migrate aws-iaas -> aws-serverless by dump: write downtime " + downtime.group(1) + " ms, "
                + dumped.onSource().size() + " writes acknowledged by the source");
        assertThat(dumped.maintenanceSeenAt()).as("the writer met the ALB's fixed-503 rule before the dump finished")
                .hasValueSatisfying(seen -> assertThat(seen).isLessThan(returnedAt));
        assertThat(bodies(target, "notes_sls_dump")).as("every write the source acknowledged, and the target's own, on Aurora's database")
                .containsAll(dumped.onSource()).containsAll(dumped.onTarget());
        assertThat(lastValue(target, "notes_sls_dump", "invoice_numbers")).as("the sequence went on on the target")
                .isGreaterThan(lastValue(source, "notes_iaas", "invoice_numbers"));
        assertThat(maintenanceVariable()).as("aws-serverless's $LATEST has the maintenance switch off").isEmpty();
        // The previous test left the Lambda in maintenance (as a source, after its cutover): the
        // alias must serve a version without the switch now, not the maintenance version the deploy kept.
        assertThat(ServerlessOnMoto.lambdaInMaintenance(cfnServerless, lambda)).as("the version the alias serves has maintenance off")
                .isFalse();
        assertThat(maintenanceRuleOnAlb()).as("aws-iaas stays in maintenance after the cutover").isTrue();
        assertNoSecret(run);
    }

    // --- helpers ---

    /** moto runs no Lambda code (no Docker): the deploy's release command is answered here instead. */
    private final AnsweringReleaseInvoker lambdaInvocations = new AnsweringReleaseInvoker("applied 0001_create_notes\n");

    private Cli tierlift(String... args) {
        return Cli.run(context -> Tiers.with(context, ConnectorFactory.jsch(), Optional.of(lambdaInvocations)), env, args);
    }

    private String[] migrate(String... extra) {
        List<String> args = new ArrayList<>(List.of("migrate", "--from", "aws-iaas", "--to", "aws-serverless",
                "-f", descriptor.toString(), "--source-db", sourceUrl(), "--target-db", target.url(DATABASE)));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** The source's URL as superuser, its password behind its own variable (url() names the target's). */
    private String sourceUrl() {
        return source.url(DATABASE).replace(MigrateTargetCluster.PASSWORD_VARIABLE, SOURCE_PASSWORD_VARIABLE);
    }

    /** The app's schema, owned by its role as the app's own migrations would leave it: a sequence and a jsonb column among it. */
    private void seedSource() throws SQLException {
        seed(source, DATABASE);
    }

    private static void seed(MigrateTargetCluster cluster, String database) throws SQLException {
        try (Connection c = cluster.connect(database); Statement st = c.createStatement()) {
            st.execute("SET ROLE notes");
            st.execute("CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
            st.execute("CREATE TABLE docs (id serial PRIMARY KEY, note_id bigint NOT NULL REFERENCES notes (id), doc jsonb NOT NULL)");
            st.execute("CREATE SEQUENCE invoice_numbers START 1000");
            st.execute("INSERT INTO notes (body) SELECT 'seed-' || g FROM generate_series(1, 500) g");
            st.execute("INSERT INTO docs (note_id, doc) SELECT g, jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g % 7),"
                    + " 'q', 'it''s') FROM generate_series(1, 500, 3) g");
            st.execute("SELECT nextval('invoice_numbers') FROM generate_series(1, 12)");
        }
    }

    /**
     * wal_level=logical on a running cluster: set, then the server restarted with the options it was
     * started with (pg_ctl keeps them in postmaster.opts), its log where it was.
     */
    private static void enableLogicalDecoding(MigrateTargetCluster cluster) throws Exception {
        String dataDirectory;
        try (Connection c = cluster.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET wal_level = logical");
            ResultSet rs = st.executeQuery("SHOW data_directory");
            rs.next();
            dataDirectory = rs.getString(1);
        }
        Path data = Path.of(dataDirectory);
        Process restart = new ProcessBuilder("runuser", "-u", "postgres", "--", MigrateTargetCluster.BIN.resolve("pg_ctl").toString(),
                "-D", data.toString(), "-l", data.resolveSibling("log").toString(), "-w", "-t", "60", "restart")
                .redirectErrorStream(true).start();
        String out = new String(restart.getInputStream().readAllBytes());
        assertThat(restart.waitFor()).as("pg_ctl restart: %s", out).isZero();
        try (Connection c = cluster.connect("postgres"); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SHOW wal_level");
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("logical");
        }
    }

    /** Whether any listener of any ALB has a priority-1 rule answering a fixed 503: read from moto, not through tierlift. */
    private boolean maintenanceRuleOnAlb() {
        return maintenanceRuleOnAlb(elb);
    }

    static boolean maintenanceRuleOnAlb(ElasticLoadBalancingV2Client elb) {
        List<Rule> rules = elb.describeLoadBalancers(b -> { }).loadBalancers().stream()
                .flatMap(lb -> elb.describeListeners(b -> b.loadBalancerArn(lb.loadBalancerArn())).listeners().stream())
                .flatMap(l -> elb.describeRules(b -> b.listenerArn(l.listenerArn())).rules().stream()).toList();
        return rules.stream().anyMatch(r -> "1".equals(r.priority()) && r.actions().stream().anyMatch(a ->
                a.type() == ActionTypeEnum.FIXED_RESPONSE && "503".equals(a.fixedResponseConfig().statusCode())));
    }

    /** The function's TIERLIFT_MAINTENANCE variable, read from moto. */
    private Optional<String> maintenanceVariable() {
        String function = output(cfnServerless, "notes-default-sls-api", "FunctionName");
        var environment = lambda.getFunctionConfiguration(b -> b.functionName(function)).environment();
        return Optional.ofNullable(environment == null ? null : environment.variables().get("TIERLIFT_MAINTENANCE"));
    }

    /** The journal under HOME keeps endpoints with password references only. */
    private void assertNoSecretInJournal() throws IOException {
        Path journal = Path.of(env.get("HOME"), ".tierlift", "migrations", "notes-aws-iaas-aws-serverless.json");
        assertThat(journal).exists();
        String text = Files.readString(journal);
        for (String secret : secrets) {
            assertThat(text).as("no secret in the journal").doesNotContain(secret);
        }
    }

    private Set<String> bodies(MigrateTargetCluster cluster) throws SQLException {
        return bodies(cluster, DATABASE);
    }

    private static Set<String> bodies(MigrateTargetCluster cluster, String database) throws SQLException {
        Set<String> found = new HashSet<>();
        try (Connection c = cluster.connect(database); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT body FROM notes");
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found;
    }

    /** Row count and an order-independent checksum of every row's text, in UTC so both servers print alike. */
    private static String digest(MigrateTargetCluster cluster, String table) throws SQLException {
        return digest(cluster, DATABASE, table);
    }

    private static String digest(MigrateTargetCluster cluster, String database, String table) throws SQLException {
        try (Connection c = cluster.connect(database); Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            ResultSet rs = st.executeQuery("SELECT count(*) || ' ' || coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0) FROM "
                    + table + " t");
            rs.next();
            return rs.getString(1);
        }
    }

    private static long lastValue(MigrateTargetCluster cluster, String sequence) throws SQLException {
        return lastValue(cluster, DATABASE, sequence);
    }

    private static long lastValue(MigrateTargetCluster cluster, String database, String sequence) throws SQLException {
        try (Connection c = cluster.connect(database); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT last_value FROM " + sequence);
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Optional<Stack> stack(CloudFormationClient cfn, String name) {
        try {
            return cfn.describeStacks(b -> b.stackName(name)).stacks().stream()
                    .filter(s -> !"DELETE_COMPLETE".equals(s.stackStatusAsString())).findFirst();
        } catch (CloudFormationException e) {
            if (e.getMessage().contains("does not exist")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static String parameter(CloudFormationClient cfn, String stackName, String key) {
        return stack(cfn, stackName).orElseThrow().parameters().stream().filter(p -> p.parameterKey().equals(key))
                .map(p -> p.parameterValue()).findFirst().orElseThrow(() -> new AssertionError(stackName + " has no parameter " + key));
    }

        private List<String> stackResourceTypes(String name) {
        return cfn.describeStackResources(b -> b.stackName(name)).stackResources().stream().map(r -> r.resourceType()).toList();
    }

    private static String output(CloudFormationClient cfn, String stackName, String key) {
        return stack(cfn, stackName).orElseThrow().outputs().stream().filter(o -> o.outputKey().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError(stackName + " has no output " + key)).outputValue();
    }

    private void assertNoSecret(Cli run) {
        for (String secret : secrets) {
            assertThat(run.all()).as("no secret in the output").doesNotContain(secret);
        }
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else if (!p.toString().contains("__pycache__")) {
                    Files.copy(p, dest);
                }
            }
        }
    }

    /** One database the writer writes to. */
    @FunctionalInterface
    private interface Database {
        Connection connect() throws SQLException;
    }

    /**
     * The app, as far as the database sees it: inserts into the source (a note, every third one with
     * a jsonb doc and an invoice number) until the ALB answers with its maintenance rule, then waits
     * until traffic moved and writes to the target. A row counts as acknowledged once its commit returned.
     */
    private final class AppWriter implements AutoCloseable {
        private final Database sourceDb;
        private final Database targetDb;
        private final java.util.function.BooleanSupplier sourceInMaintenance;
        private final List<String> onSource = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final List<String> onTarget = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final CountDownLatch trafficMoved = new CountDownLatch(1);
        private final Thread thread;
        private volatile Long maintenanceSeenAt;
        private volatile boolean stopping;
        private volatile Throwable failure;

        /** {@code sourceInMaintenance}: read from moto before each write, as a request meets the source tier's 503. */
        AppWriter(Database sourceDb, Database targetDb, java.util.function.BooleanSupplier sourceInMaintenance) {
            this.sourceDb = sourceDb;
            this.targetDb = targetDb;
            this.sourceInMaintenance = sourceInMaintenance;
            thread = new Thread(this::run, "app-writer");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try (Connection src = sourceDb.connect()) {
                int n = 0;
                while (!stopping) {
                    // Checked before each write, as a request would meet the maintenance page.
                    if (sourceInMaintenance.getAsBoolean()) {
                        maintenanceSeenAt = System.nanoTime();
                        break;
                    }
                    write(src, "source-" + (++n), n);
                    onSource.add("source-" + n);
                    Thread.sleep(20);
                }
                while (!stopping && !trafficMoved.await(100, TimeUnit.MILLISECONDS)) {
                    // maintenance: no writes anywhere until traffic moved
                }
                if (stopping) {
                    return;
                }
                try (Connection dst = targetDb.connect()) {
                    int m = 0;
                    while (!stopping) {
                        write(dst, "target-" + (++m), m);
                        onTarget.add("target-" + m);
                        Thread.sleep(20);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failure = e;
            }
        }

        private void write(Connection c, String body, int n) throws SQLException {
            try (PreparedStatement note = c.prepareStatement("INSERT INTO notes (body) VALUES (?) RETURNING id")) {
                note.setString(1, body);
                ResultSet rs = note.executeQuery();
                rs.next();
                long id = rs.getLong(1);
                if (n % 3 == 0) {
                    try (PreparedStatement doc = c.prepareStatement("INSERT INTO docs (note_id, doc) VALUES (?, jsonb_build_object("
                            + "'body', ?::text, 'invoice', nextval('invoice_numbers'), 'nested', jsonb_build_object('x', ? * 1.5)))")) {
                        doc.setLong(1, id);
                        doc.setString(2, body);
                        doc.setInt(3, n);
                        doc.executeUpdate();
                    }
                }
            }
        }

        void awaitSourceWrites(int count) throws InterruptedException {
            await(onSource, count);
        }

        void awaitTargetWrites(int count) throws InterruptedException {
            await(onTarget, count);
        }

        private void await(List<String> written, int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (written.size() < count && failure == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(failure).as("the writer failed").isNull();
            assertThat(written.size()).as("writes made").isGreaterThanOrEqualTo(count);
        }

        void trafficMovedToTarget() {
            trafficMoved.countDown();
        }

        /** When (System.nanoTime) the writer met the maintenance rule and stopped writing to the source. */
        Optional<Long> maintenanceSeenAt() {
            return Optional.ofNullable(maintenanceSeenAt);
        }

        List<String> onSource() {
            return List.copyOf(onSource);
        }

        List<String> onTarget() {
            return List.copyOf(onTarget);
        }

        Optional<Throwable> failure() {
            return Optional.ofNullable(failure);
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            thread.join(10_000);
        }
    }
}

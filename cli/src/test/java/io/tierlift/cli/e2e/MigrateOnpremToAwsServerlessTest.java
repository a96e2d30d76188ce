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
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code migrate --from onprem --to aws-serverless}: the example deployed to a sandbox data center,
 * its database grown with a large table, bytea/jsonb rows and a sequence, a client writing notes
 * through the on-prem edge the whole time. The aws-serverless tier is provisioned by the migration
 * on moto; Aurora is a real PostgreSQL cluster on loopback that also listens on the bridge, where
 * the db-primary reaches it for the reverse subscription (created on the primary as postgres over
 * SSH). Logical replication, then --rollback after writes on the target (each one back on the
 * primary and read through the edge), then a second migration kept with --finalize, which leaves no
 * replication object on either side.
 */
@Tag("sandbox")
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MigrateOnpremToAwsServerlessTest {
    private static final List<String> TABLES = List.of("notes", "big", "blobs");
    private static final List<String> SERVERLESS_STACKS = List.of("notes-default-sls-api", "notes-default-sls-data", "notes-default-sls-static");

    private SandboxWorld world;
    private MotoShim moto;
    private MigrateTargetCluster target;
    private OnpremMigrationSource source;
    private CloudFormationClient cfn;
    private LambdaClient lambda;
    private Map<String, String> env;
    private Path serverlessDescriptor;
    private String edge;
    private final List<String> secrets = new ArrayList<>();

    @BeforeAll
    void up() throws Exception {
        moto = MotoShim.start();
        world = new SandboxWorld("sandbox.yaml", 73, "tl-brrev");
        // After the bridge exists: the cluster binds this machine's address on it.
        target = new MigrateTargetCluster(world.subnetPrefix + "1", world.subnetPrefix + "0/24");
        source = new OnpremMigrationSource(world);
        edge = "https://" + world.address("edge1");
        Files.writeString(world.descriptor, Files.readString(world.descriptor) + """
                  aws-serverless:
                    region: eu-west-1
                    lambda: { architecture: x86_64, memory_mb: 1024, timeout_s: 15 }
                    database: { min_acu: 0.5, max_acu: 4 }
                """);
        serverlessDescriptor = ServerlessOnMoto.descriptorWithoutRequirements(world);
        Path home = Files.createDirectories(world.root.resolve("home"));
        env = Map.of("HOME", home.toString(), "AWS_ENDPOINT_URL", moto.endpoint().toString(), "AWS_REGION", "eu-west-1",
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing", "NO_COLOR", "1",
                MigrateTargetCluster.PASSWORD_VARIABLE, target.password);
        cfn = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), "eu-west-1");
        lambda = MotoClients.of(LambdaClient.builder(), moto.endpoint(), "eu-west-1");
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
            for (AutoCloseable c : new AutoCloseable[]{cfn, lambda, moto, target}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (Exception e) {
                    System.err.println("cleanup: " + e);
                }
            }
        }
    }

    @Test
    @Order(1)
    void theSourceIsDeployedOnpremAndHoldsMoreThanTheAppsOwnTable() {
        Cli deploy = tierlift("deploy", "onprem", "-f", world.descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        String seeded = source.sql("""
                SET ROLE notes;
                CREATE TABLE big (id bigserial PRIMARY KEY, payload text NOT NULL);
                INSERT INTO big (payload) SELECT repeat(md5(g::text), 6) FROM generate_series(1, 100000) g;
                CREATE TABLE blobs (id serial PRIMARY KEY, data bytea NOT NULL, doc jsonb NOT NULL);
                INSERT INTO blobs (data, doc) SELECT decode(md5(g::text), 'hex') || '\\x00ff'::bytea,
                    jsonb_build_object('n', g, 'nested', jsonb_build_object('x', g * 1.5, 'q', 'it''s')) FROM generate_series(1, 2000) g;
                CREATE SEQUENCE invoice_numbers START 1000;
                SELECT count(nextval('invoice_numbers')) FROM generate_series(1, 37);
                """);
        assertThat(seeded).contains("37");
        assertThat(post("before the migration").status()).isEqualTo(201);
    }

    @Test
    @Order(2)
    void logicalReplicationMovesEveryWriteAcknowledgedThroughTheEdgeAndTrafficToTheLambda() throws Exception {
        Cli run = migrateUnderWriter("notes_logical", "logical");
        assertThat(run.out()).contains("Plan: migrate notes from onprem to aws-serverless (logical)");
        assertThat(run.err()).as("the target tier was provisioned by the migration, in its step")
                .contains("provision  | deploy the aws-serverless tier").contains("notes-default-sls-api | CREATE_COMPLETE")
                .contains("info: network path: the source's server connects to the target at " + world.subnetPrefix + "1:" + target.port())
                .contains("reverse replication: on: at the cutover the target's changes flow back to the source through a "
                        + "subscription created as postgres on db1 over SSH")
                .contains("maintenance | on for [edge1]");
        for (String name : SERVERLESS_STACKS) {
            assertThat(cfn.describeStacks(b -> b.stackName(name)).stacks().get(0).stackStatusAsString()).as(name).endsWith("_COMPLETE");
        }
        assertThat(lambdaInMaintenance()).as("the Lambda serves: its maintenance switch is off").isFalse();
        assertThat(world.curl(edge + "/api/notes/1").status()).as("the on-prem edge stays in maintenance").isEqualTo(503);
        assertThat(source.sql("SELECT count(*) FROM pg_subscription WHERE subenabled;").strip()).as("the reverse subscription runs")
                .isEqualTo("1");
    }

    @Test
    @Order(3)
    void rollbackBringsEveryWriteTheTargetTookBackToTheOnpremPrimaryReadableThroughTheEdge() throws Exception {
        long updated = Long.parseLong(source.sql("SELECT min(id) FROM notes;").strip());
        List<Long> inserted = new ArrayList<>();
        try (Connection c = target.connect("notes_logical"); Statement st = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
                ResultSet rs = st.executeQuery("INSERT INTO notes (body) VALUES ('written on aurora " + i + "') RETURNING id");
                rs.next();
                inserted.add(rs.getLong(1));
            }
            st.execute("UPDATE notes SET body = 'changed on aurora' WHERE id = " + updated);
            st.execute("UPDATE blobs SET doc = doc || '{\"on\": \"aurora\"}' WHERE id <= 10");
            st.executeQuery("SELECT nextval('invoice_numbers')");
        }
        Cli back = tierlift(migrate("notes_logical", "--rollback", "--yes"));

        assertThat(back.exitCode()).as("%s%ntarget log:%n%s", back.all(), tail(target.log())).isZero();
        assertThat(back.out()).contains("Migration rolled back.")
                .contains("the source has every write the aws-serverless tier took since the cutover");
        assertThat(back.err()).as("the target stops writes while the source catches up, then the edge serves")
                .containsPattern("lambda notes-default-sls-api-\\S+ \\| maintenance on").contains("maintenance | off for [edge1]");
        assertThat(lambdaInMaintenance()).as("the Lambda is stopped").isTrue();
        for (String table : TABLES) {
            assertThat(source.digest(table)).as("count and checksum of %s", table)
                    .isEqualTo(OnpremMigrationSource.digest(target, "notes_logical", table));
        }
        for (long id : inserted) {
            SandboxWorld.CurlResult read = world.curl(edge + "/api/notes/" + id);
            assertThat(read.status()).as("note %d read through the edge: %s", id, read.body()).isEqualTo(200);
            assertThat(read.body()).contains("written on aurora");
        }
        assertThat(world.curl(edge + "/api/notes/" + updated).body()).contains("changed on aurora");
        assertThat(source.sql("SELECT last_value FROM invoice_numbers;").strip()).as("the number drawn on aurora").isEqualTo("1037");
        source.assertNoReplicationObjects(target, "notes_logical");
        SandboxWorld.CurlResult write = post("after the rollback");
        assertThat(write.status()).as("the primary takes writes again: %s", write.body()).isEqualTo(201);
        assertThat(Long.parseLong(write.body().replaceAll("(?s).*\"id\":\\s*(\\d+).*", "$1")))
                .as("with an id after aurora's").isGreaterThan(inserted.get(inserted.size() - 1));
        assertNoSecret(back);
    }

    @Test
    @Order(4)
    void aSecondMigrationKeptWithFinalizeLeavesNoReplicationObjectOnEitherSide() throws Exception {
        migrateUnderWriter("notes_kept", "kept");
        assertThat(source.sql("SELECT count(*) FROM pg_subscription;").strip()).as("reverse replication runs before --finalize")
                .isEqualTo("1");
        Cli finalized = tierlift(migrate("notes_kept", "--finalize", "--yes"));
        assertThat(finalized.exitCode()).as(finalized.all()).isZero();
        assertThat(finalized.out()).contains("Migration finalized.");
        source.assertNoReplicationObjects(target, "notes_kept");
        assertThat(lambdaInMaintenance()).as("the Lambda keeps serving").isFalse();
        assertNoSecret(finalized);
    }

    private void assertMigrated(Cli run, MigrateNoteWriter writer, String database) throws Exception {
        source.assertMigrated(run, writer, target, database, TABLES);
        assertNoSecret(run);
    }

    /** The migration into a fresh database of the target cluster, under a client writing through the edge. */
    private Cli migrateUnderWriter(String database, String prefix) throws Exception {
        target.createDatabase(database);
        MigrateNoteWriter writer = new MigrateNoteWriter(edge + "/api/notes", prefix);
        Cli run;
        try {
            Thread.sleep(1000);
            run = tierlift(migrate(database, "--yes"));
            Thread.sleep(500);
        } finally {
            writer.close();
        }
        assertMigrated(run, writer, database);
        return run;
    }

    private Cli tierlift(String... args) {
        return ServerlessOnMoto.tierlift(env, args);
    }

    /**
     * The descriptor whose backend the Lambda can be packaged from on this machine; the on-prem
     * tier it names is the one deployed from the world's descriptor (same hosts, same database).
     */
    private String[] migrate(String targetDatabase, String... extra) {
        List<String> args = new ArrayList<>(List.of("migrate", "--from", "onprem", "--to", "aws-serverless",
                "-f", serverlessDescriptor.toString(), "--target-db", target.url(targetDatabase),
                // The db-primary is in the sandbox: it reaches the target on the bridge, not on this machine's loopback.
                "--target-db-for-source", target.url(targetDatabase, world.subnetPrefix + "1")));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private boolean lambdaInMaintenance() {
        return ServerlessOnMoto.lambdaInMaintenance(cfn, lambda);
    }

    private SandboxWorld.CurlResult post(String body) {
        return world.curl("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"body\":\"" + body + "\"}", edge + "/api/notes");
    }

    private void assertNoSecret(Cli run) {
        for (String secret : secrets) {
            assertThat(run.all()).as("no secret in the output").doesNotContain(secret);
        }
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }
}

package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.aws.serverless.ReleaseInvoker;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierRegistry;
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
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The aws-serverless release order with the real adapter against a real PostgreSQL: {@code deploy
 * aws-serverless} runs against moto_server (with the shim), and every Lambda invocation — the
 * deployer's release command and the HTTP requests the test sends through the alias, as API Gateway
 * would — is run for real: the code of the invoked version is fetched from the artifacts bucket by the
 * key the emulator records for that version, unpacked, and its {@code tierlift_lambda.handler} called
 * by a CPython with that version's environment, the database URL pointing at a throwaway PostgreSQL.
 *
 * <p>moto runs no Lambda code (it needs Docker), hence this stand-in runtime. The package is built
 * without its requirements and the app's dependencies (Flask, psycopg2) come from this machine's
 * Debian Python: the package index here has no psycopg2 wheels for the runtime the renderer picks.
 * What is under test — which version's code runs, when, and what it does to the database — does not
 * depend on where Flask is imported from.
 */
@Tag("moto")
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ServerlessReleaseOrderRealTest {
    private static final String REGION = "eu-west-1";
    private static final String API_STACK = "notes-default-sls-api";
    private static final String PYTHON = "/usr/bin/python3";
    private static final String RELEASE_EVENT = "{\"tierlift\": \"release-command\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What API Gateway got for GET /api/release from the alias while each release command ran. */
    private final List<Integer> servedDuringRelease = new CopyOnWriteArrayList<>();
    private final Function<TierContext, TierRegistry> tiers = MotoApp.tiersWithoutSsh("aws-serverless", this::release);
    private MotoShim moto;
    private MigrateTargetCluster postgres;
    private Path root;
    private Path descriptor;
    private Path backend;
    private Map<String, String> env;
    private CloudFormationClient cfn;
    private S3Client s3;
    private LambdaClient lambda;
    private String databaseUrl;

    @BeforeAll
    void start() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new AssertionError(PYTHON + " is needed to run the adapter: apt-get install python3 python3-flask python3-psycopg2");
        }
        Process check = new ProcessBuilder(PYTHON, "-c", "import flask, psycopg2").redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as("the app's dependencies for %s: apt-get install python3-flask python3-psycopg2\n%s",
                PYTHON, checked).isZero();
        moto = MotoShim.start();
        postgres = new MigrateTargetCluster();
        postgres.createDatabase("notes");
        databaseUrl = "postgresql://postgres:" + URLEncoder.encode(postgres.password, StandardCharsets.UTF_8)
                + "@127.0.0.1:" + port(postgres.url("notes")) + "/notes";
        root = Files.createTempDirectory("tierlift-sls-release-");
        Path app = MotoApp.copyExample(root.resolve("app"), "# Flask and psycopg2 come from the test's Python\n");
        backend = app.resolve("backend");
        descriptor = app.resolve("app.yaml");
        Files.writeString(descriptor, """
                app: notes
                frontend: { path: frontend, dist: frontend/dist }
                backend:
                  path: backend
                  wsgi: "notes.app:app"
                  python: "3.11"
                  requirements: requirements.txt
                  release_command: "python -m notes.migrate"
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                  aws-serverless:
                    region: eu-west-1
                    lambda: { architecture: x86_64, memory_mb: 1024, timeout_s: 15 }
                    database: { min_acu: 0.5, max_acu: 4 }
                """);
        env = MotoApp.env(moto, REGION, Files.createDirectories(root.resolve("home")), Map.of(
                "NOTES_DB_PASSWORD", "unused-on-serverless", "PATH", System.getenv("PATH")));
        cfn = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), REGION);
        s3 = MotoClients.of(S3Client.builder().forcePathStyle(true), moto.endpoint(), REGION);
        lambda = MotoClients.of(LambdaClient.builder(), moto.endpoint(), REGION);
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{cfn, s3, lambda, moto, postgres}) {
            if (c != null) {
                c.close();
            }
        }
        if (root != null) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void theFirstReleaseMigratesTheDatabaseAndThenTheAliasServesIt() throws Exception {
        Cli deploy = deploy();
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(deploy.err()).contains("applied 0001_create_notes").contains("alias      live: version $LATEST -> 1");
        assertThat(aliasVersion()).isEqualTo("1");
        assertThat(migrations()).containsExactly("0001_create_notes", "0002_index_notes_created_at");
        assertThat(http("GET", "/api/notes").path("statusCode").asInt()).isEqualTo(200);
        assertThat(http("GET", "/api/release").path("statusCode").asInt()).as("version 1 has no such route").isEqualTo(404);
    }

    @Test
    @Order(2)
    void aFailingMigrationStopsTheDeployAndTheOldVersionKeepsServing() throws Exception {
        // Release 2: a new route, and a migration that fails halfway (its transaction is rolled back).
        Files.writeString(backend.resolve("notes/app.py"), Files.readString(backend.resolve("notes/app.py")) + """

                @app.get("/api/release")
                def release_marker():
                    return jsonify(release=2)
                """);
        Files.writeString(backend.resolve("notes/migrations/0003_add_tags.sql"),
                "ALTER TABLE notes ADD COLUMN tags text[] NOT NULL DEFAULT '{}';\nSELECT 1 / 0;\n");
        servedDuringRelease.clear();

        Cli deploy = deploy();
        assertThat(deploy.exitCode()).as(deploy.all()).isEqualTo(1);
        assertThat(deploy.err()).contains("migration 0003_add_tags failed").contains("division by zero")
                .contains("before alias live moved, so version 1 still serves");
        assertThat(servedDuringRelease).as("version 1 served while the migration ran").containsExactly(404);
        assertThat(output("PublishedVersion")).as("release 2 is published").isNotEqualTo("1");
        assertThat(aliasVersion()).isEqualTo("1");
        // What API Gateway gets is still version 1, working against the unchanged schema.
        assertThat(http("GET", "/api/release").path("statusCode").asInt()).isEqualTo(404);
        assertThat(http("GET", "/api/notes").path("statusCode").asInt()).isEqualTo(200);
        assertThat(migrations()).doesNotContain("0003_add_tags");
        assertThat(columns()).doesNotContain("tags");
    }

    @Test
    @Order(3)
    void oncePassingTheMigrationRunsBeforeTheAliasMovesToTheNewVersion() throws Exception {
        Files.writeString(backend.resolve("notes/migrations/0003_add_tags.sql"),
                "ALTER TABLE notes ADD COLUMN tags text[] NOT NULL DEFAULT '{}';\n");
        servedDuringRelease.clear();

        Cli deploy = deploy();
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(deploy.err()).contains("applied 0003_add_tags");
        assertThat(servedDuringRelease).as("the old version served until the migration was done").containsExactly(404);
        String published = output("PublishedVersion");
        assertThat(aliasVersion()).isEqualTo(published).isNotEqualTo("1");
        assertThat(migrations()).contains("0003_add_tags");
        assertThat(columns()).contains("tags");
        JsonNode marker = http("GET", "/api/release");
        assertThat(marker.path("statusCode").asInt()).as("%s", marker).isEqualTo(200);
        assertThat(JSON.readTree(marker.path("body").asText()).path("release").asInt()).isEqualTo(2);
    }

    @Test
    @Order(4)
    void rollbackServesThePreviousVersionAgainWithoutARelease() throws Exception {
        servedDuringRelease.clear();
        // Version 1 lacks 0003_add_tags, which the database now has: refused until forced.
        Cli refused = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--rollback", "--yes");
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("refusing to roll back to release 1").contains("notes/migrations/0003_add_tags.sql");
        assertThat(aliasVersion()).isNotEqualTo("1");
        Cli rollback = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--rollback", "--force", "--yes");
        assertThat(rollback.exitCode()).as(rollback.all()).isZero();
        assertThat(servedDuringRelease).as("no release command on a rollback").isEmpty();
        assertThat(aliasVersion()).isEqualTo("1");
        assertThat(http("GET", "/api/release").path("statusCode").asInt()).isEqualTo(404);
        // Version 1 works with the newer schema: a migration is not undone by a rollback.
        assertThat(http("GET", "/api/notes").path("statusCode").asInt()).isEqualTo(200);
    }

    // --- the stand-in Lambda runtime ---

    /** The deployer's Invoke of the release function: first what the alias serves, then the command for real. */
    private ReleaseInvoker.ReleaseOutcome release(String region, String function) {
        assertThat(region).isEqualTo(REGION);
        servedDuringRelease.add(http("GET", "/api/release").path("statusCode").asInt());
        JsonNode answer = invoke(function, "$LATEST", RELEASE_EVENT);
        return new ReleaseInvoker.ReleaseOutcome(answer.path("exitCode").asInt(-1), answer.path("output").asText(),
                answer.path("timedOut").asBoolean());
    }

    /** One request as API Gateway sends it: to the alias, payload format 2.0. */
    private JsonNode http(String method, String path) {
        String event = JSON.createObjectNode().put("version", "2.0").put("rawPath", path).put("rawQueryString", "")
                .put("isBase64Encoded", false)
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("headers", JSON.createObjectNode().put("host", "api.example"))
                .set("requestContext", JSON.createObjectNode().set("http", JSON.createObjectNode().put("method", method)
                        .put("path", path).put("protocol", "HTTP/1.1").put("sourceIp", "127.0.0.1"))).toString();
        return invoke(output("FunctionName"), "live", event);
    }

    /** Runs the code and environment of {@code function:qualifier} as the emulator records them, with one event. */
    private JsonNode invoke(String function, String qualifier, String event) {
        try {
            GetFunctionResponse found = lambda.getFunction(b -> b.functionName(function).qualifier(qualifier));
            String location = found.code().location();
            String key = location.substring(location.indexOf(".amazonaws.com/") + ".amazonaws.com/".length());
            Path task = unpack(key);
            Path out = Files.createTempFile(root, "invocation-", ".json");
            Path driver = root.resolve("local_lambda.py");
            if (!Files.exists(driver)) {
                try (InputStream in = getClass().getResourceAsStream("local_lambda.py")) {
                    Files.copy(in, driver);
                }
            }
            ProcessBuilder builder = new ProcessBuilder(PYTHON, driver.toString(), task.toString(), event, out.toString())
                    .directory(task.toFile()).redirectErrorStream(true);
            builder.environment().keySet().removeIf(k -> k.startsWith("PYTHON") || k.startsWith("TIERLIFT_") || k.startsWith("PG")
                    || k.startsWith("AWS_") || k.equals("DATABASE_URL"));
            Map<String, String> variables = new HashMap<>(found.configuration().environment().variables());
            // The stand-in for the RDS Proxy: the adapter leaves a DATABASE_URL it finds alone.
            variables.put("DATABASE_URL", databaseUrl);
            // Requests come from this test, not through CloudFront: run as locally, without the origin check
            // (which LambdaAdapterRealTest proves with the secret in place).
            variables.remove("TIERLIFT_ORIGIN_SECRET_ARN");
            builder.environment().putAll(variables);
            Process process = builder.start();
            String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as("%s:%s cold start and handler:\n%s", function, qualifier, log).isZero();
            return JSON.readTree(Files.readString(out));
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The package under {@code key} in the artifacts bucket, unpacked once. */
    private Path unpack(String key) throws IOException {
        Path task = root.resolve("tasks").resolve(key.replaceAll("[^A-Za-z0-9.-]", "_"));
        if (Files.isDirectory(task)) {
            return task;
        }
        String bucket = cfn.describeStacks(b -> b.stackName("notes-default-sls-artifacts")).stacks().get(0).outputs().stream()
                .filter(o -> o.outputKey().equals("ArtifactBucketName")).findFirst().orElseThrow().outputValue();
        byte[] zip = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path target = task.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(task)).isTrue();
                if (!entry.isDirectory()) {
                    Files.createDirectories(target.getParent());
                    Files.write(target, in.readAllBytes());
                }
            }
        }
        return task;
    }

    // --- helpers ---

    private Cli deploy() {
        return Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--yes");
    }

    private String aliasVersion() {
        return lambda.getAlias(b -> b.functionName(output("FunctionName")).name("live")).functionVersion();
    }

    private String output(String key) {
        return cfn.describeStacks(b -> b.stackName(API_STACK)).stacks().get(0).outputs().stream()
                .filter(o -> o.outputKey().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError(API_STACK + " has no output " + key)).outputValue();
    }

    private List<String> migrations() throws SQLException {
        return strings("SELECT version FROM schema_migrations ORDER BY version");
    }

    private List<String> columns() throws SQLException {
        return strings("SELECT column_name FROM information_schema.columns WHERE table_name = 'notes'");
    }

    private List<String> strings(String query) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = postgres.connect("notes"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found;
    }

    private static int port(String url) {
        String afterHost = url.substring(url.indexOf("127.0.0.1:") + "127.0.0.1:".length());
        return Integer.parseInt(afterHost.substring(0, afterHost.indexOf('/')));
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
    }
}

package io.tierlift.aws.lambda;

import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.release.PipSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.serverless.LambdaAdapter;
import io.tierlift.render.aws.serverless.LambdaArchitecture;
import io.tierlift.render.aws.serverless.LambdaRuntime;
import io.tierlift.render.engine.FreemarkerEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The example app, unchanged, packaged for Lambda and invoked the way Lambda invokes it: the zip
 * is built with the real pip, unpacked, and its {@code tierlift_lambda.handler} called by a CPython
 * that sees only the standard library and the package ({@code -S}), with real HTTP API events,
 * against a real PostgreSQL (TLS on, as the RDS Proxy requires).
 *
 * <p>The package is built for python3.11 on x86_64, the one combination this machine can both
 * fetch wheels for (its package index has the example's binary wheels for CPython 3.11 only) and
 * run (Debian 12's /usr/bin/python3 is 3.11). What is proven — the adapter, the packaging, the
 * app behind them — does not depend on the minor version; the deployed runtime is the renderer's
 * choice (see LambdaRuntime).
 */
@Tag("real")
class LambdaNotesRealTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path RESOURCES = Path.of("src/test/resources/lambda");
    private static final String DB_PASSWORD = "p@ss:w/rd %?#é";
    private static final String DB_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-notes-AbCdEf";
    private static final String APP_DB_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:notes-app-db-XyZ";
    private static final String APP_DB_PASSWORD = "GeneratedLettersAndDigits0123456789abcd";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Path work;
    private static LocalPostgres postgres;
    private static LambdaPackage built;
    private static Path task;
    private static AppDescriptor app;

    @BeforeAll
    static void packageUnpackAndStartTheDatabase() throws Exception {
        LocalPostgres.requireTools();
        LocalPostgres.require(Path.of(PYTHON), "python3");
        work = Files.createTempDirectory("tl-lambda-notes-");
        app = TestApps.copyOfExample(work, "x86_64");
        built = packager().build(app, LambdaRuntime.python("3.11"), LambdaArchitecture.X86_64);
        task = Files.createDirectory(work.resolve("task"));
        unzip(built.zip(), task);

        postgres = LocalPostgres.start();
        // As RDS makes its master user: no superuser, but it may create roles.
        postgres.sql("CREATE ROLE notes LOGIN CREATEROLE PASSWORD :'password';\nCREATE DATABASE notes OWNER notes;\n",
                "password=" + DB_PASSWORD);

        // The migrations, run straight from the unpacked package (the adapter runs them again below).
        Result migrate = python(List.of("-S", "-m", "notes.migrate"), Map.of("DATABASE_URL", databaseUrl(postgres.port())));
        assertThat(migrate.exit()).as("notes.migrate:\n%s", migrate.output()).isZero();
        assertThat(migrate.output()).contains("applied 0001_create_notes", "applied 0002_index_notes_created_at");
    }

    @AfterAll
    static void stopAndCleanUp() throws Exception {
        try {
            if (postgres != null) {
                postgres.close();
            }
        } finally {
            if (work != null) {
                try (Stream<Path> paths = Files.walk(work)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
        }
    }

    @Test
    void thePackageHoldsTheAppItsCompiledDependenciesAndTheAdapter() {
        assertThat(task.resolve(LambdaAdapter.FILE)).isRegularFile();
        assertThat(task.resolve("notes/app.py")).isRegularFile();
        assertThat(task.resolve("notes/migrations/0001_create_notes.sql")).isRegularFile();
        assertThat(task.resolve("flask/__init__.py")).isRegularFile();
        try (Stream<Path> files = Files.list(task.resolve("psycopg2"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("_psycopg.cpython-311-x86_64-linux-gnu") && n.endsWith(".so"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(task.resolve("tests")).doesNotExist();
        assertThat(task.resolve("bin")).doesNotExist();
        assertThat(task.resolve("boto3")).as("the runtime has boto3").doesNotExist();
        assertThat(built.unzippedBytes()).isLessThan(LambdaLimits.LAMBDA.unzippedBytes());
    }

    @Test
    void buildingAgainWithTheRealPipGivesTheSameBytes() {
        LambdaPackage again = packager().build(app, LambdaRuntime.python("3.11"), LambdaArchitecture.X86_64);
        assertThat(again.sha256()).isEqualTo(built.sha256());
        assertThat(again.zip()).isEqualTo(built.zip());
    }

    @Test
    void theUnchangedAppAnswersHttpApiEventsThroughTheAdapter() throws Exception {
        Invocation run = invoke(Map.of("DATABASE_URL", databaseUrl(postgres.port())), null,
                "health", "create-note", "create-note-unicode", "list-notes-limit", "echo-cookies", "echo-binary",
                "invalid-json", "unknown-path", "wrong-method");

        JsonNode health = run.response(0, 200);
        assertThat(run.body(0).path("status").asText()).isEqualTo("ok");
        assertThat(run.body(0).path("database").asText()).isEqualTo("ok");
        assertThat(health.path("headers").path("Content-Type").asText()).isEqualTo("application/json");
        assertThat(health.path("headers").path("X-Served-By").asText()).isNotEmpty();
        assertThat(health.path("isBase64Encoded").asBoolean()).isFalse();

        JsonNode created = run.response(1, 201);
        long firstId = run.body(1).path("id").asLong();
        assertThat(created.path("headers").path("Location").asText()).isEqualTo("/api/notes/" + firstId);
        assertThat(run.body(1).path("body").asText()).isEqualTo("first note, from Lambda");
        run.response(2, 201);
        assertThat(run.body(2).path("body").asText()).isEqualTo("second note: grüße, €5");
        assertThat(run.body(2).path("id").asLong()).isGreaterThan(firstId);

        JsonNode listed = run.response(3, 200);
        assertThat(listed.path("headers").path("X-Read-Source").asText()).isEqualTo("primary");
        assertThat(run.body(3)).hasSize(1);
        assertThat(run.body(3).get(0).path("body").asText()).as("newest first, limit=1").isEqualTo("second note: grüße, €5");

        run.response(4, 200);
        JsonNode echo = run.body(4);
        assertThat(echo.path("method").asText()).isEqualTo("GET");
        assertThat(echo.path("cookies").path("session").asText()).isEqualTo("abc123");
        assertThat(echo.path("cookies").path("theme").asText()).isEqualTo("dark");
        assertThat(echo.path("headers").path("Cookie").asText()).isEqualTo("session=abc123; theme=dark");
        assertThat(echo.path("query_string").asText()).isEqualTo("tag=a&tag=b&q=caf%C3%A9");
        assertThat(echo.path("args").path("tag")).extracting(JsonNode::asText).containsExactly("a", "b");
        assertThat(echo.path("args").path("q").get(0).asText()).isEqualTo("café");

        run.response(5, 200);
        JsonNode binary = run.body(5);
        assertThat(binary.path("body_encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(binary.path("body").asText())).isEqualTo(new byte[] {0, (byte) 0xff, 0x10, (byte) 0x80, 0x78});
        assertThat(binary.path("body_length").asInt()).isEqualTo(5);
        assertThat(binary.path("headers").path("Content-Type").asText()).isEqualTo("application/octet-stream");

        run.response(6, 400);
        assertThat(run.body(6).path("error").asText()).isEqualTo("expected a JSON object like {\"body\": \"...\"}");
        run.response(7, 404);
        assertThat(run.body(7).path("error").asText()).isEqualTo("not found");
        JsonNode wrongMethod = run.response(8, 405);
        assertThat(wrongMethod.path("headers").path("Allow").asText()).contains("GET").contains("POST");
        assertThat(run.body(8).path("error").asText()).isEqualTo("method not allowed");
    }

    @Test
    void theReleaseEventSetsUpTheAppsOwnRoleAsTheMasterAndTheAppThenConnectsAsThatRoleOverTls() throws Exception {
        Path secretsLog = work.resolve("secrets-release.log");
        Map<String, String> env = secretEnvironment(secretsLog, MAPPER.createArrayNode().add(appDbSecret(APP_DB_PASSWORD)));

        // Twice: the second release step finds the role there and only sets its password again.
        Invocation run = invoke(env, RESOURCES.resolve("fake_boto3").toAbsolutePath(), "release-command", "release-command",
                "health", "list-notes-limit");
        for (int i = 0; i < 2; i++) {
            JsonNode release = run.result(i);
            assertThat(release.path("exitCode").asInt()).as("%s", release).isZero();
            assertThat(release.path("timedOut").asBoolean()).isFalse();
            assertThat(release.path("output").asText())
                    .contains("skipped 0001_create_notes (already applied)", "skipped 0002_index_notes_created_at (already applied)");
        }
        run.response(2, 200);
        assertThat(run.body(2).path("database").asText()).isEqualTo("ok");
        run.response(3, 200);
        // The tables the master's migrations made (as deploys did before the app had its role) are the app's now.
        assertThat(postgres.query("notes", "SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'public'"))
                .isEqualTo("notes_app");
        assertThat(postgres.query("notes", "SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = 'notes_app'"))
                .isEqualTo("f");
        assertThat(Files.readAllLines(secretsLog)).as("the app role's at cold start, then both for each release step")
                .containsExactly(APP_DB_SECRET_ARN, APP_DB_SECRET_ARN, DB_SECRET_ARN, APP_DB_SECRET_ARN, DB_SECRET_ARN);
    }

    /** A migration's provision: its copy brings the schema, so the function only sets up the app's role. */
    @Test
    void theAppRoleEventSetsUpTheAppsRoleAsTheMasterAndRunsNoReleaseCommand() throws Exception {
        Path secretsLog = work.resolve("secrets-app-role.log");
        Map<String, String> env = secretEnvironment(secretsLog, MAPPER.createArrayNode().add(appDbSecret(APP_DB_PASSWORD)));

        Invocation run = invoke(env, RESOURCES.resolve("fake_boto3").toAbsolutePath(), "app-role", "health");

        JsonNode role = run.result(0);
        assertThat(role.get("exitCode")).as("an answer, not a refusal: %s", role).isNotNull();
        assertThat(role.get("exitCode").asInt()).isZero();
        assertThat(role.path("output").asText()).as("notes.migrate prints a line per migration when it runs")
                .doesNotContain("0001_create_notes");
        assertThat(run.log()).doesNotContain("running the release command").contains("the app's database role notes_app is set up");
        run.response(1, 200);
        assertThat(run.body(1).path("database").asText()).isEqualTo("ok");
        assertThat(Files.readAllLines(secretsLog)).as("the app role's at cold start, then both for the role's setup")
                .containsExactly(APP_DB_SECRET_ARN, APP_DB_SECRET_ARN, DB_SECRET_ARN);
    }

        @Test
    void aWarmEnvironmentWhosePasswordTheDatabaseRefusesReadsTheSecretAgainAndTheRequestSucceeds() throws Exception {
        Path releaseLog = work.resolve("secrets-before.log");
        Invocation release = invoke(secretEnvironment(releaseLog, MAPPER.createArrayNode().add(appDbSecret("NewAppPassword7"))),
                RESOURCES.resolve("fake_boto3").toAbsolutePath(), "release-command");
        assertThat(release.result(0).path("exitCode").asInt()).as("%s", release.result(0)).isZero();

        // This environment read the secret before it changed: its first connection is refused.
        Path secretsLog = work.resolve("secrets-warm.log");
        Invocation run = invoke(secretEnvironment(secretsLog, MAPPER.createArrayNode()
                        .add(appDbSecret("OldAppPassword3")).add(appDbSecret("NewAppPassword7"))),
                RESOURCES.resolve("fake_boto3").toAbsolutePath(), "health", "create-note", "list-notes-limit");
        run.response(0, 200);
        assertThat(run.body(0).path("database").asText()).isEqualTo("ok");
        run.response(1, 201);
        run.response(2, 200);
        assertThat(Files.readAllLines(secretsLog)).as("once at cold start, once after the refusal")
                .containsExactly(APP_DB_SECRET_ARN, APP_DB_SECRET_ARN);
        assertThat(run.log()).contains("the database refused the app role's password");
    }

    private static Map<String, String> secretEnvironment(Path secretsLog, JsonNode appDbSecrets) {
        Map<String, String> env = new HashMap<>();
        env.put("TIERLIFT_DB_SECRET_ARN", DB_SECRET_ARN);
        env.put("TIERLIFT_APP_DB_SECRET_ARN", APP_DB_SECRET_ARN);
        env.put("TIERLIFT_DB_HOST", "127.0.0.1");
        env.put("TIERLIFT_DB_PORT", String.valueOf(postgres.port()));
        env.put("TIERLIFT_DB_NAME", "notes");
        ObjectNode secrets = MAPPER.createObjectNode();
        secrets.set(DB_SECRET_ARN, MAPPER.createObjectNode().put("username", "notes").put("password", DB_PASSWORD));
        secrets.set(APP_DB_SECRET_ARN, appDbSecrets);
        env.put("FAKE_SECRETS", secrets.toString());
        env.put("FAKE_SECRETS_LOG", secretsLog.toString());
        return env;
    }

    private static ObjectNode appDbSecret(String password) {
        return MAPPER.createObjectNode().put("username", "notes_app").put("password", password);
    }

    @Test
    void aFailingReleaseCommandReportsItsExitCodeAndOutput() throws Exception {
        String unreachable = "postgresql://notes:x@127.0.0.1:" + LocalPostgres.freePort() + "/notes?connect_timeout=2";
        Invocation run = invoke(Map.of("DATABASE_URL", unreachable), null, "release-command");
        JsonNode release = run.result(0);
        assertThat(release.path("exitCode").asInt()).as("%s", release).isEqualTo(1);
        assertThat(release.path("output").asText()).contains("migrate: cannot connect to the database");
    }

    // ------------------------------------------------------------------ helpers

    private static LambdaPackager packager() {
        Progress quiet = Progress.silent();
        return new LambdaPackager(new ProcessCommandRunner(Duration.ofMinutes(5), 30), PipSettings.defaults(), LambdaLimits.LAMBDA,
                new LambdaAdapter(new FreemarkerEngine()), quiet);
    }

    private static String databaseUrl(int port) {
        return "postgresql://notes:" + URLEncoder.encode(DB_PASSWORD, StandardCharsets.UTF_8).replace("+", "%20")
                + "@127.0.0.1:" + port + "/notes?sslmode=require";
    }

    private record Result(int exit, String output) {
    }

    private record Invocation(JsonNode importError, List<JsonNode> results, String log) {
        JsonNode result(int i) {
            assertThat(importError.isNull()).as("cold start failed: %s\n%s", importError, log).isTrue();
            return results.get(i);
        }

        JsonNode response(int i, int status) {
            JsonNode response = result(i);
            assertThat(response.path("statusCode").asInt()).as("response %s: %s\n%s", i, response, log).isEqualTo(status);
            return response;
        }

        JsonNode body(int i) {
            JsonNode response = result(i);
            String body = response.path("body").asText();
            if (response.path("isBase64Encoded").asBoolean()) {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            }
            return parse(body);
        }
    }

    /** One cold start of the unpacked package, then the events in order, as one Lambda execution environment. */
    private static Invocation invoke(Map<String, String> env, Path runtimePath, String... events) throws Exception {
        Path out = Files.createTempFile(work, "results-", ".json");
        List<String> argv = new ArrayList<>(List.of("-S", RESOURCES.resolve("driver.py").toAbsolutePath().toString(),
                task.toString(), runtimePath == null ? "" : runtimePath.toString(), out.toString()));
        for (String event : events) {
            argv.add(RESOURCES.resolve("events/" + event + ".json").toAbsolutePath().toString());
        }
        Result result = python(argv, env);
        assertThat(result.exit()).as("driver:\n%s", result.output()).isZero();
        JsonNode json = parse(Files.readString(out));
        List<JsonNode> results = new ArrayList<>();
        json.path("results").forEach(results::add);
        assertThat(results).as("results (log:\n%s)", result.output()).hasSize(json.path("importError").isNull() ? events.length : 0);
        return new Invocation(json.path("importError"), results, result.output());
    }

    /** Runs the Debian Python in the unpacked package folder, with an environment of the test's making. */
    private static Result python(List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(PYTHON));
        argv.addAll(args);
        Path output = Files.createTempFile(work, "python-", ".out");
        ProcessBuilder builder = new ProcessBuilder(argv).directory(task.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("PYTHON") || k.startsWith("DATABASE_") || k.startsWith("TIERLIFT_")
                || k.startsWith("PG"));
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail(String.join(" ", argv) + " did not finish within 2 minutes");
        }
        return new Result(process.exitValue(), Files.readString(output));
    }

    private static void unzip(byte[] zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path target = into.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(into)).as("entry %s stays inside", entry.getName()).isTrue();
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.write(target, in.readAllBytes());
                }
            }
        }
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}

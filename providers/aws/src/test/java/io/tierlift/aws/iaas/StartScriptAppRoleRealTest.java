package io.tierlift.aws.iaas;

import io.tierlift.aws.lambda.LocalPostgres;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The aws-iaas start script, as rendered, run by a real CPython in front of the real Gunicorn and
 * the unchanged example app, against a real PostgreSQL set up as RDS sets one up: the master user
 * owns the database and may create roles, but is no superuser. A stand-in {@code aws} command
 * serves the two database secrets from files the test rewrites, as a rotation would.
 */
@Tag("real")
class StartScriptAppRoleRealTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String GUNICORN = "/usr/bin/gunicorn";
    private static final Path EXAMPLE = Path.of("../../examples/notes");
    private static final String MASTER_PASSWORD = "master-first";
    private static final String APP_PASSWORD = "AppRolePassword0123456789abcdefghijklmnop";
    private static final Pattern LAUNCHER = Pattern.compile("(?ms)^cat > '/usr/local/libexec/notes-start' <<'TIERLIFT_EOF'\\n(.*?)^TIERLIFT_EOF$");

    @TempDir
    Path dir;
    private LocalPostgres postgres;
    private Process launcher;
    private int port;
    /** What the boot environment says (the compute stack's ReleaseCommandAtBoot): "true" but on a migration's instances. */
    private String releaseCommandAtBoot = "true";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startTheDatabaseAsRdsWould() throws Exception {
        LocalPostgres.requireTools();
        LocalPostgres.require(Path.of(PYTHON), "python3");
        LocalPostgres.require(Path.of(GUNICORN), "gunicorn");
        postgres = LocalPostgres.start();
        postgres.sql("CREATE ROLE notes LOGIN CREATEROLE CREATEDB PASSWORD :'password';\nCREATE DATABASE notes OWNER notes;\n",
                "password=" + MASTER_PASSWORD);
        writeSecret("master", "notes", MASTER_PASSWORD);
        writeSecret("app-db", "notes_app", APP_PASSWORD);
        Files.writeString(dir.resolve("secrets").resolve("app.json"), "{\"NOTES_API_TOKEN\": \"token-123\"}");
        port = LocalPostgres.freePort();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (launcher != null) {
                launcher.destroy();
                if (!launcher.waitFor(30, TimeUnit.SECONDS)) {
                    launcher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    void theAppServesAsItsOwnRoleOwningItsSchemaSoARotatedMasterPasswordChangesNothing() throws Exception {
        start(launcher(Map.of()));
        assertThat(request("POST", "/api/notes", "{\"body\": \"before the rotation\"}").statusCode()).isEqualTo(201);

        assertThat(postgres.query("notes", "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"))
                .isEqualTo("notes_app\nnotes_app");
        assertThat(postgres.query("notes", "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'public'"))
                .isEqualTo("notes_app");
        assertThat(postgres.query("notes", "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls "
                + "FROM pg_roles WHERE rolname = 'notes_app'")).as("no privilege beyond its schema").isEqualTo("f|f|f|f|f");
        assertThat(postgres.query("postgres", "SELECT rolpassword LIKE 'SCRAM-SHA-256$4096:%' FROM pg_authid "
                + "WHERE rolname = 'notes_app'")).isEqualTo("t");

        // RDS rotates the master's password: the app, which never used it, goes on.
        postgres.sql("ALTER ROLE notes PASSWORD 'master-second';\n");
        writeSecret("master", "notes", "master-second");
        HttpResponse<String> notes = request("GET", "/api/notes", null);
        assertThat(notes.statusCode()).as(notes.body()).isEqualTo(200);
        assertThat(notes.body()).contains("before the rotation");

        // A restart (the release step again, the role now there) reads the master's new password.
        launcher.destroy();
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
        start(launcher(Map.of()));
        assertThat(request("GET", "/api/notes", null).body()).contains("before the rotation");
    }

    @Test
    void aChangedAppPasswordReachesTheRunningWorkersWhenTheDatabaseRefusesTheOldOne() throws Exception {
        start(launcher(Map.of()));
        assertThat(request("POST", "/api/notes", "{\"body\": \"kept\"}").statusCode()).isEqualTo(201);
        int readsBefore = secretReads("arn:app-db");

        postgres.sql("ALTER ROLE notes_app PASSWORD :'password';\n", "password=ChangedPassword42");
        writeSecret("app-db", "notes_app", "ChangedPassword42");
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> notes = request("GET", "/api/notes", null);
            assertThat(notes.statusCode()).as("request %s: %s\n%s", i, notes.body(), log()).isEqualTo(200);
            assertThat(notes.body()).contains("kept");
        }
        assertThat(secretReads("arn:app-db")).as("read again after the refusal").isGreaterThan(readsBefore);
        assertThat(log()).contains("the database refused the app role's password");
    }

    @Test
    void anUpgradeFromTheMasterOwnedLayoutHandsTheAppsObjectsToItsRoleAndKeepsTheData() throws Exception {
        // What earlier releases left: the migrations applied and a note written by the master user.
        String masterUrl = "postgresql://notes:" + MASTER_PASSWORD + "@127.0.0.1:" + postgres.port() + "/notes?sslmode=require";
        ProcessBuilder migrate = new ProcessBuilder(PYTHON, "-m", "notes.migrate").directory(EXAMPLE.resolve("backend").toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("migrate.log").toFile());
        environment(migrate);
        migrate.environment().put("DATABASE_URL", masterUrl);
        assertThat(runWith(migrate.start())).as(Files.readString(dir.resolve("migrate.log"))).isZero();
        postgres.sql("\\c notes\nSET ROLE notes;\nINSERT INTO notes (body) VALUES ('from the master era');\n"
                + "CREATE TYPE mood AS ENUM ('ok');\nCREATE VIEW recent AS SELECT * FROM notes;\n");
        assertThat(postgres.query("notes", "SELECT tableowner FROM pg_tables WHERE tablename = 'notes'")).isEqualTo("notes");

        start(launcher(Map.of()));
        assertThat(log()).contains("skipped 0001_create_notes (already applied)");
        HttpResponse<String> notes = request("GET", "/api/notes", null);
        assertThat(notes.statusCode()).as(notes.body()).isEqualTo(200);
        assertThat(notes.body()).contains("from the master era");
        assertThat(request("POST", "/api/notes", "{\"body\": \"after\"}").statusCode()).as("the sequence came along").isEqualTo(201);
        assertThat(postgres.query("notes", "SELECT c.relname || ':' || c.relowner::regrole FROM pg_class c "
                + "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S', 'v') ORDER BY 1"))
                .isEqualTo("notes:notes_app\nnotes_id_seq:notes_app\nrecent:notes_app\nschema_migrations:notes_app");
        assertThat(postgres.query("notes", "SELECT typowner::regrole FROM pg_type WHERE typname = 'mood'")).isEqualTo("notes_app");
    }

    @Test
    void gunicornGetsTheAppRolesUrlAndTheAppsSecretsInItsEnvironmentAndNoFileIsWritten() throws Exception {
        Path seen = dir.resolve("seen.json");
        Path standIn = Files.writeString(dir.resolve("gunicorn-stand-in"), "import json, os, sys\n"
                + "json.dump({'argv': sys.argv, 'env': dict(os.environ)}, open('" + seen + "', 'w'))\n");
        Files.writeString(dir.resolve("secrets").resolve("app.json"), "{\"NOTES_API_TOKEN\": \"token-123\", \"UNDECLARED\": \"x\"}");
        Path launcherFile = launcher(Map.of("GUNICORN = \"" + GUNICORN + "\"", "GUNICORN = \"" + standIn + "\""));
        List<Path> before = filesIn(dir);
        ProcessBuilder builder = new ProcessBuilder(PYTHON, launcherFile.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("launcher.log").toFile());
        environment(builder);
        assertThat(runWith(builder.start())).as(log()).isZero();

        com.fasterxml.jackson.databind.JsonNode env = new com.fasterxml.jackson.databind.ObjectMapper().readTree(seen.toFile());
        assertThat(env.path("argv").toString()).isEqualTo("[\"" + standIn + "\",\"--config\",\"" + dir.resolve("gunicorn.conf.py") + "\"]");
        String url = "postgresql://notes_app:" + APP_PASSWORD + "@127.0.0.1:" + postgres.port() + "/notes?sslmode=require";
        assertThat(env.path("env").path("DATABASE_URL").asText()).isEqualTo(url);
        assertThat(env.path("env").path("DATABASE_READ_URL").asText()).isEqualTo(url);
        assertThat(env.path("env").path("NOTES_API_TOKEN").asText()).isEqualTo("token-123");
        assertThat(env.path("env").path("NOTES_PAGE_SIZE").asText()).isEqualTo("50");
        assertThat(env.path("env").has("UNDECLARED")).as("only declared secret names are taken").isFalse();
        assertThat(log()).contains("applied 0001_create_notes").doesNotContain(APP_PASSWORD, MASTER_PASSWORD);
        List<Path> after = filesIn(dir);
        after.removeAll(List.of(seen, dir.resolve("launcher.log"), dir.resolve("secret-reads.log")));
        assertThat(after).as("files besides the stand-in's and the logs: the start script writes none").isEqualTo(before);
    }

    @Test
    void aFailingReleaseCommandKeepsTheInstanceFromServing() throws Exception {
        Path launcherFile = launcher(Map.of("RELEASE_COMMAND = \"python -m notes.migrate\"",
                "RELEASE_COMMAND = \"echo 'migration 002 failed' >&2; exit 4\""));
        ProcessBuilder builder = new ProcessBuilder(PYTHON, launcherFile.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("launcher.log").toFile());
        environment(builder);
        launcher = builder.start();
        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as("the start script ends").isTrue();
        assertThat(launcher.exitValue()).isNotZero();
        assertThat(log()).contains("migration 002 failed").contains("the release command failed (exit 4)");
        assertThat(postgres.query("notes", "SELECT count(*) FROM pg_roles WHERE rolname = 'notes_app'"))
                .as("the role was set up before the command ran").isEqualTo("1");
    }

    @Test
    void onInstancesAMigrationLaunchedTheReleaseCommandDoesNotRunAndTheAppStillStartsAsItsRole() throws Exception {
        // A release command that would fail the start: it must not run at all.
        Path launcherFile = launcher(Map.of("RELEASE_COMMAND = \"python -m notes.migrate\"",
                "RELEASE_COMMAND = \"echo 'the release command ran' >&2; exit 4\""));
        releaseCommandAtBoot = "false";
        start(launcherFile);

        assertThat(log()).doesNotContain("the release command ran")
                .contains("release command not run: the migration copies the schema");
        assertThat(postgres.query("notes", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                .as("no table: the migration's copy brings the schema").isEqualTo("0");
        assertThat(postgres.query("notes", "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'public'"))
                .as("the app's role was set up all the same").isEqualTo("notes_app");
    }

        @Test
    void execRunsTheCommandInTheServicesEnvironmentAsTheAppRoleInTheReleaseFolderWithoutShowingThePassword() throws Exception {
        start(launcher(Map.of()));
        Path launcherFile = dir.resolve("notes-start");
        Exec exec = exec(launcherFile, "python", "-c", "import os; print(os.environ[\"DATABASE_URL\"] != \"\")");
        assertThat(exec.exitCode()).as(exec.output()).isZero();
        assertThat(exec.output()).isEqualTo("True\n");

        // The app's own code and driver, from the release folder, connecting as the app's role with the service's variables.
        exec = exec(launcherFile, "python", "-c", "import os, notes.db, psycopg2; c = psycopg2.connect(os.environ['DATABASE_URL']); "
                + "cur = c.cursor(); cur.execute('SELECT current_user, count(*) FROM notes'); "
                + "print(cur.fetchone()[0], os.getcwd() == os.path.realpath('" + EXAMPLE.resolve("backend").toAbsolutePath().normalize()
                + "'), os.environ['NOTES_API_TOKEN'], os.environ['NOTES_PAGE_SIZE'], os.environ['PATH'].split(':')[0])");
        assertThat(exec.exitCode()).as(exec.output()).isZero();
        assertThat(exec.output().strip()).isEqualTo("notes_app True token-123 50 " + dir.resolve("venv-bin"));
        assertThat(exec.output()).doesNotContain(APP_PASSWORD, MASTER_PASSWORD);
    }

    @Test
    void execPassesTheCommandsExitCodeThroughAndNamesACommandThatIsMissing() throws Exception {
        Path launcherFile = launcher(Map.of());
        Exec failed = exec(launcherFile, "python", "-c", "import sys; print('partial'); sys.exit(3)");
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.output()).isEqualTo("partial\n");
        Exec missing = exec(launcherFile, "no-such-program", "--version");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.output()).contains("No such file or directory", "no-such-program").doesNotContain(APP_PASSWORD);
        assertThat(secretReads("arn:master")).as("exec needs no master password: no release step").isZero();
    }

    // ------------------------------------------------------------------ helpers

    /** The rendered start script, pointed at this machine's Gunicorn, the example's source and the test's database. */
    private Path launcher(Map<String, String> changes) throws IOException {
        // The example, with a literal and a secret variable.
        String yaml = replace(Files.readString(EXAMPLE.resolve("app.yaml")), "  port: 8000\n", "  port: 8000\n  env:\n"
                + "    NOTES_PAGE_SIZE: \"50\"\n    NOTES_API_TOKEN: \"${env:NOTES_API_TOKEN}\"\n");
        AppDescriptor app = new DescriptorLoader().load("app.yaml", yaml, EXAMPLE, Optional.empty()).descriptor();
        String userData = new AwsIaasRenderer().render(app, SecretView.masked()).stream()
                .filter(f -> f.location().endsWith("user-data.sh")).map(RenderedFile::contentAsText).findFirst().orElseThrow();
        Matcher m = LAUNCHER.matcher(userData);
        assertThat(m.find()).as("the boot script places the start script").isTrue();
        Path venvBin = Files.createDirectories(dir.resolve("venv-bin"));
        Files.deleteIfExists(venvBin.resolve("python"));
        Files.createSymbolicLink(venvBin.resolve("python"), Path.of(PYTHON));
        Path appEnv = Files.writeString(dir.resolve("app-env.json"), "{\"NOTES_PAGE_SIZE\": \"50\"}");
        Path config = Files.writeString(dir.resolve("gunicorn.conf.py"), "bind = \"127.0.0.1:" + port + "\"\nworkers = 2\n"
                + "chdir = \"" + EXAMPLE.resolve("backend").toAbsolutePath().normalize() + "\"\nwsgi_app = \"notes.app:app\"\n");
        String script = replace(m.group(1), "GUNICORN = \"/srv/notes/venv/bin/gunicorn\"", "GUNICORN = \"" + GUNICORN + "\"");
        script = replace(script, "GUNICORN_CONFIG = \"/etc/notes/gunicorn.conf.py\"", "GUNICORN_CONFIG = \"" + config + "\"");
        script = replace(script, "APP_ENV_FILE = \"/etc/notes/app-env.json\"", "APP_ENV_FILE = \"" + appEnv + "\"");
        script = replace(script, "DB_PORT = \"5432\"", "DB_PORT = \"" + postgres.port() + "\"");
        script = replace(script, "RELEASE_DIR = \"/srv/notes/current\"",
                "RELEASE_DIR = \"" + EXAMPLE.resolve("backend").toAbsolutePath().normalize() + "\"");
        script = replace(script, "VENV_BIN = \"/srv/notes/venv/bin\"", "VENV_BIN = \"" + venvBin + "\"");
        for (Map.Entry<String, String> change : changes.entrySet()) {
            script = replace(script, change.getKey(), change.getValue());
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path aws = Files.writeString(bin.resolve("aws"), """
                #!/bin/sh
                # get-secret-value --region R --secret-id ARN ...: the secret's file, and a line in the log.
                while [ "$1" != "--secret-id" ]; do shift; done
                echo "$2" >> "%s"
                exec cat "%s/$(echo "$2" | cut -d: -f2).json"
                """.formatted(dir.resolve("secret-reads.log"), dir.resolve("secrets")));
        Files.setPosixFilePermissions(aws, PosixFilePermissions.fromString("rwx------"));
        return Files.writeString(dir.resolve("notes-start"), script);
    }

    private void start(Path launcherFile) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(PYTHON, launcherFile.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("launcher.log").toFile());
        environment(builder);
        launcher = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!launcher.isAlive()) {
                fail("the start script ended (exit " + launcher.exitValue() + "):\n" + log());
            }
            try {
                if (request("GET", "/api/health", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Gunicorn is not listening yet.
            }
            Thread.sleep(200);
        }
        fail("the app did not answer its health check within 60 s:\n" + log());
    }

    private void environment(ProcessBuilder builder) {
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("TIERLIFT_") || k.startsWith("DATABASE_") || k.startsWith("PG"));
        env.put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("TIERLIFT_REGION", "eu-west-1");
        env.put("TIERLIFT_DB_HOST", "127.0.0.1");
        env.put("TIERLIFT_DB_SECRET_ARN", "arn:master");
        env.put("TIERLIFT_APP_DB_SECRET_ARN", "arn:app-db");
        env.put("TIERLIFT_APP_SECRET_ARN", "arn:app");
        env.put("TIERLIFT_RELEASE_COMMAND_AT_BOOT", releaseCommandAtBoot);
    }

    private record Exec(int exitCode, String output) {
    }

    /** {@code launcher exec -- command...} as the instance runs it, with the service's boot environment; output and error merged. */
    private Exec exec(Path launcherFile, String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(PYTHON, launcherFile.toString(), "exec", "--"));
        argv.addAll(List.of(command));
        Path output = dir.resolve("exec-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        environment(builder);
        int code = runWith(builder.start());
        String text = Files.readString(output);
        Files.delete(output);
        return new Exec(code, text);
    }

    private static List<Path> filesIn(Path folder) throws IOException {
        try (var walk = Files.walk(folder)) {
            return new ArrayList<>(walk.filter(Files::isRegularFile).sorted().toList());
        }
    }

    private int runWith(Process process) throws InterruptedException {
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("did not finish within 2 minutes");
        }
        return process.exitValue();
    }

    private HttpResponse<String> request(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        builder = json == null ? builder.method(method, HttpRequest.BodyPublishers.noBody())
                : builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void writeSecret(String name, String username, String password) throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Path next = secrets.resolve(name + ".json.next");
        Files.writeString(next, "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}\n");
        Files.move(next, secrets.resolve(name + ".json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private int secretReads(String arn) throws IOException {
        Path log = dir.resolve("secret-reads.log");
        return Files.exists(log) ? (int) Files.readAllLines(log).stream().filter(arn::equals).count() : 0;
    }

    private String log() throws IOException {
        Path log = dir.resolve("launcher.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static String replace(String text, String from, String to) {
        assertThat(text).contains(from);
        return text.replace(from, to);
    }
}

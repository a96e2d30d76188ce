package io.tierlift.cli.e2e;

import io.tierlift.release.ExecResult;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets never leak. The sandbox's secret files hold canary values; every command runs on the
 * descriptor (success and failure paths, quiet and verbose) and no canary may appear in stdout,
 * stderr, plan files, rendered folders, or anywhere on the hosts except the files that must hold
 * it (with tight modes) — not in other files under /etc, /srv, /var/log (PostgreSQL's logs
 * included) or /var/lib/tierlift, and not in any process's arguments while a deploy runs. On
 * either kind of sandbox host; a kind adds the places its hosts keep logs in.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SecretCanaryBehaviour {
    protected static final String DB = "CANARY-db-7f3a91c2e4b8";
    protected static final String REPL = "CANARY-repl-5d0e83b1a6f2";
    protected static final String TOKEN = "CANARY-token-c81f2a9d4e07";
    /** Files that must hold a canary, per host, with the mode and owner they must have. */
    private static final Map<String, String> HOLDERS = Map.of(
            "/etc/notes/app-env.json", "640 root:notes",
            "/var/lib/postgresql/.pgpass", "600 postgres:postgres",
            "/etc/nginx/tls/notes.key", "600 root:root");
    /** The TLS key's longest base64 line: a key cannot carry a marker, so its own text is the canary. */
    protected String tlsKey;
    protected List<String> canaries = List.of(DB, REPL, TOKEN);

    protected SandboxWorld world;
    private final List<String> outputs = Collections.synchronizedList(new ArrayList<>());

    /** The example app and a sandbox of this kind for sandbox.yaml, up, with nothing deployed. */
    protected abstract SandboxWorld createWorld() throws IOException;

    @BeforeAll
    void up() throws IOException, InterruptedException {
        world = createWorld();
        Path secrets = world.stateDir.resolve("secrets");
        Files.writeString(secrets.resolve("notes-db-password"), DB + "\n");
        Files.writeString(secrets.resolve("notes-replication-password"), REPL + "\n");
        Files.writeString(secrets.resolve("notes-api-token"), TOKEN + "\n");
        String text = Files.readString(world.descriptor);
        String withToken = text.replaceFirst("(?m)^backend:\\n", "backend:\n  env:\n    NOTES_API_TOKEN: \"\\${file:"
                + secrets.resolve("notes-api-token") + "}\"\n");
        assertThat(withToken).as("the descriptor gains a backend env secret").isNotEqualTo(text);

        // A real certificate and key, so nginx starts with them; the certificate is public and placed
        // on the edge host beforehand, the key travels as a ${file:} secret.
        Path key = secrets.resolve("tls.key");
        Path certificate = world.root.resolve("tls.crt");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key.toString(), "-out", certificate.toString(), "-days", "2", "-subj", "/CN=notes.sandbox.test")
                .redirectErrorStream(true).start();
        String opensslOut = new String(openssl.getInputStream().readAllBytes());
        assertThat(openssl.waitFor()).as("openssl (Debian package openssl): %s", opensslOut).isZero();
        tlsKey = Files.readAllLines(key).stream().filter(l -> !l.startsWith("-----")).max(java.util.Comparator.comparingInt(String::length)).orElseThrow();
        canaries = List.of(DB, REPL, TOKEN, tlsKey);
        assertThat(world.exec("edge1", "mkdir -p /srv/canary-tls && printf '%s' '" + Files.readString(certificate)
                + "' > /srv/canary-tls/notes.crt && echo placed").stdout()).contains("placed");
        String withTls = withToken.replace("    domain: notes.sandbox.test\n", "    domain: notes.sandbox.test\n"
                + "    tls: { certificate: /srv/canary-tls/notes.crt, key: \"${file:" + key + "}\" }\n");
        assertThat(withTls).as("the descriptor gains a TLS key secret").isNotEqualTo(withToken);
        Files.writeString(world.descriptor, withTls);
    }

    @AfterAll
    void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    private Cli tierlift(String... args) {
        Cli cli = Cli.run(world.env(), args);
        outputs.add("$ tierlift " + String.join(" ", args) + "\n" + cli.all());
        assertNoCanary("output of tierlift " + String.join(" ", args), cli.all());
        return cli;
    }

    protected void assertNoCanary(String where, String text) {
        for (String canary : canaries) {
            assertThat(text).as("%s must not hold %s", where, canary).doesNotContain(canary);
        }
        // A secret cut in half or encoded would still leak: the random tails alone must not show either.
        for (String canary : canaries) {
            assertThat(text).as("%s must not hold part of %s", where, canary).doesNotContain(canary.substring(canary.lastIndexOf('-') + 1));
        }
    }

    private String file() {
        return world.descriptor.toString();
    }

    private void assertTreeHasNoCanary(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertNoCanary(f.toString(), Files.readString(f));
            }
        }
    }

    @Test
    @Order(10)
    void offlineCommandsNeverShowASecret() throws IOException {
        assertThat(tierlift("validate", "-f", file()).exitCode()).isZero();
        tierlift("validate", "-f", file(), "--verbose");
        Path rendered = world.root.resolve("rendered");
        assertThat(tierlift("render", "onprem", "-f", file(), "-o", rendered.toString()).exitCode()).isZero();
        tierlift("render", "onprem", "-f", file(), "-o", rendered.toString(), "--verbose");
        // The sandbox descriptor has no aws-iaas section: the refusal must not echo secrets either.
        tierlift("render", "aws-iaas", "-f", file(), "-o", rendered.toString());
        Path iaas = world.appDir.resolve("with-iaas.yaml");
        Files.writeString(iaas, Files.readString(world.descriptor) + "  aws-iaas:\n    region: eu-west-1\n    vpc_cidr: 10.20.0.0/16\n"
                + "    certificate_arn: arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n"
                + "    origin_domain: origin.notes.example.com\n");
        Cli aws = tierlift("render", "aws-iaas", "-f", iaas.toString(), "-o", rendered.toString());
        assertThat(aws.exitCode()).as(aws.all()).isZero();
        assertTreeHasNoCanary(rendered);
        tierlift("audit", "onprem", "-f", file(), "--output", "json");
    }

    @Test
    @Order(20)
    void plansBeforeTheFirstDeployShowNoSecret() throws IOException {
        Path planFile = world.root.resolve("first.plan.json");
        Cli text = tierlift("plan", "onprem", "-f", file());
        assertThat(text.exitCode()).as(text.all()).isIn(0, 2);
        tierlift("plan", "onprem", "-f", file(), "--output", "json", "--verbose");
        tierlift("plan", "onprem", "-f", file(), "--out", planFile.toString());
        assertNoCanary("plan file", Files.readString(planFile));
    }

    @Test
    @Order(30)
    void aDeployShowsNoSecretInAnyProcessArguments() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        List<String> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger rounds = new AtomicInteger();
        Thread deploy = new Thread(() -> {
            try {
                Cli cli = tierlift("deploy", "onprem", "-f", file(), "--yes", "--verbose");
                assertThat(cli.exitCode()).as(cli.all()).isZero();
            } finally {
                done.set(true);
            }
        });
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        deploy.setUncaughtExceptionHandler((t, e) -> failures.add(e));
        deploy.start();
        while (!done.get()) {
            for (var host : world.hosts) {
                ExecResult ps = world.exec(host.name(), "ps -eo args");
                samples.add(host.name() + ": " + ps.stdout());
            }
            rounds.incrementAndGet();
            Thread.sleep(50);
        }
        deploy.join();
        assertThat(failures).as("the deploy").isEmpty();
        assertThat(rounds.get()).as("ps rounds during the deploy").isGreaterThan(5);
        assertThat(samples).as("ps really listed processes").anyMatch(s -> s.contains("sshd"));
        for (String sample : samples) {
            assertNoCanary("ps -eo args during the deploy", sample);
        }
    }

    @Test
    @Order(40)
    void laterCommandsShowNoSecret() throws IOException {
        Cli again = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(again.exitCode()).as(again.all()).isZero();
        tierlift("status", "onprem", "-f", file());
        tierlift("status", "onprem", "-f", file(), "--verbose");
        tierlift("plan", "onprem", "-f", file(), "--output", "json");
        tierlift("waf", "report", "onprem", "-f", file(), "--since", "1h");
        tierlift("waf", "report", "onprem", "-f", file(), "--output", "json", "--verbose");
        // A rollback needs a previous release; with one release it must refuse, again without secrets.
        tierlift("deploy", "onprem", "-f", file(), "--rollback", "--yes");
    }

    @Test
    @Order(50)
    void errorPathsShowNoSecret() throws IOException {
        // A literal secret where a reference belongs is refused and never echoed.
        Path bad = world.appDir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(world.descriptor).replaceFirst("password: \"[^\"]*\"", "password: \"" + DB + "\""));
        Cli invalid = tierlift("validate", "-f", bad.toString(), "--verbose");
        assertThat(invalid.exitCode()).as(invalid.all()).isEqualTo(65);
        tierlift("deploy", "onprem", "-f", bad.toString(), "--yes", "--verbose");

        long expires = System.currentTimeMillis() / 1000 + 600;
        world.exec("app2", "mkdir -p /var/lib/tierlift/notes && printf 'owner=someone-else pid 1\\nsince=1\\nexpires=" + expires
                + "\\n' > /var/lib/tierlift/notes/lease");
        try {
            Cli held = tierlift("deploy", "onprem", "-f", file(), "--yes", "--verbose");
            assertThat(held.exitCode()).as(held.all()).isEqualTo(1);
        } finally {
            world.exec("app2", "rm -f /var/lib/tierlift/notes/lease");
        }

        Path knownHosts = world.stateDir.resolve("known_hosts");
        Path empty = world.root.resolve("known_hosts.empty");
        Files.writeString(empty, "");
        Path unknown = world.appDir.resolve("unknown-keys.yaml");
        Files.writeString(unknown, Files.readString(world.descriptor).replace(knownHosts.toString(), empty.toString()));
        Cli refused = tierlift("deploy", "onprem", "-f", unknown.toString(), "--yes", "--verbose");
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
        tierlift("status", "onprem", "-f", unknown.toString());
        Cli report = tierlift("waf", "report", "onprem", "-f", unknown.toString(), "--verbose");
        assertThat(report.exitCode()).as(report.all()).isEqualTo(1);
    }

    @Test
    @Order(60)
    void onTheHostsOnlyTheHoldersHoldSecretsWithTightModes() {
        for (String host : List.of("app1", "app2")) {
            assertThat(world.exec(host, "stat -c '%a %U:%G' /etc/notes/app-env.json").stdout().strip()).as(host).isEqualTo(HOLDERS.get("/etc/notes/app-env.json"));
            String env = world.exec(host, "cat /etc/notes/app-env.json").stdout();
            assertThat(env).as("the app's environment holds the real secrets").contains(DB).contains(TOKEN);
        }
        assertThat(world.exec("db2", "stat -c '%a %U:%G' /var/lib/postgresql/.pgpass").stdout().strip()).isEqualTo(HOLDERS.get("/var/lib/postgresql/.pgpass"));
        assertThat(world.exec("db2", "cat /var/lib/postgresql/.pgpass").stdout()).contains(REPL);

        assertThat(world.exec("edge1", "stat -c '%a %U:%G' /etc/nginx/tls/notes.key").stdout().strip()).isEqualTo(HOLDERS.get("/etc/nginx/tls/notes.key"));
        assertThat(world.exec("edge1", "cat /etc/nginx/tls/notes.key").stdout()).contains(tlsKey);
        String pattern = canaries.stream().collect(Collectors.joining("\\|"));
        for (var host : world.hosts) {
            ExecResult grep = world.exec(host.name(), "grep -rlI -e '" + pattern + "' /etc /srv /var/log /var/lib/tierlift /var/lib/postgresql/.pgpass 2>/dev/null | sort");
            Set<String> holders = grep.stdout().lines().collect(Collectors.toSet());
            Set<String> allowed = HOLDERS.keySet();
            if (host.name().startsWith("app")) {
                assertThat(holders).as("grep finds the holder on %s (so an empty answer means something)", host.name())
                        .contains("/etc/notes/app-env.json");
            }
            assertThat(holders).as("files on %s holding a canary", host.name()).allMatch(allowed::contains);
            ExecResult pgLogs = world.exec(host.name(), "cat /var/log/postgresql/*.log 2>/dev/null; echo end-of-logs");
            assertThat(pgLogs.stdout()).contains("end-of-logs");
            assertNoCanary("PostgreSQL's logs on " + host.name(), pgLogs.stdout());
        }
    }

    @Test
    @Order(75)
    void releasesAndRollbackRefusalsShowNoSecret() {
        Cli listed = tierlift("releases", "onprem", "-f", file());
        assertThat(listed.exitCode()).as(listed.all()).isZero();
        assertThat(listed.out()).contains("notes/migrations/0002_index_notes_created_at.sql");
        tierlift("releases", "onprem", "-f", file(), "--output", "json", "--verbose");
        Cli unknown = tierlift("deploy", "onprem", "-f", file(), "--rollback", "--to", "r-000000000000", "--yes", "--verbose");
        assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(1);
        Cli usage = tierlift("deploy", "onprem", "-f", file(), "--to", "r-000000000000", "--yes");
        assertThat(usage.exitCode()).as(usage.all()).isEqualTo(64);
        // An older release that lacks the schema's last migration, kept on both app hosts: refused by name.
        String older = "r-0000000000aa";
        String make = "set -e; cd /srv/notes/releases; cp -a \"$(basename \"$(readlink /srv/notes/current)\")\" " + older
                + "; rm " + older + "/backend/notes/migrations/0002_index_notes_created_at.sql; touch -d '2000-01-02' " + older;
        try {
            for (String host : List.of("app1", "app2")) {
                assertThat(world.exec(host, make).exitCode()).as(host).isZero();
            }
            Cli refused = tierlift("deploy", "onprem", "-f", file(), "--rollback", "--to", older, "--yes", "--verbose");
            assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
            assertThat(refused.err()).contains("refusing to roll back to release " + older)
                    .contains("0002_index_notes_created_at.sql");
        } finally {
            for (String host : List.of("app1", "app2")) {
                world.exec(host, "rm -rf /srv/notes/releases/" + older);
            }
        }
    }

    @Test
    @Order(70)
    void maintenanceShowsNoSecretOnAnyPath() throws IOException {
        Cli on = tierlift("maintenance", "on", "onprem", "-f", file(), "--verbose");
        assertThat(on.exitCode()).as(on.all()).isZero();
        Cli again = tierlift("maintenance", "on", "onprem", "-f", file());
        assertThat(again.out()).as(again.all()).contains("already on");
        tierlift("status", "onprem", "-f", file(), "--verbose");
        Cli off = tierlift("maintenance", "off", "onprem", "-f", file(), "--verbose");
        assertThat(off.exitCode()).as(off.all()).isZero();
        assertThat(tierlift("maintenance", "off", "onprem", "-f", file()).out()).contains("already off");

        // Refused before anything is read, a descriptor holding a literal secret, hosts whose keys are unknown.
        assertThat(tierlift("maintenance", "on", "onprem", "-f", file(), "--region", "eu-west-1").exitCode()).isEqualTo(64);
        assertThat(tierlift("maintenance", "onprem", "-f", file()).exitCode()).isEqualTo(64);
        Path bad = world.appDir.resolve("maintenance-bad.yaml");
        Files.writeString(bad, Files.readString(world.descriptor).replaceFirst("password: \"[^\"]*\"", "password: \"" + DB + "\""));
        assertThat(tierlift("maintenance", "on", "onprem", "-f", bad.toString(), "--verbose").exitCode()).isEqualTo(65);
        Path empty = world.root.resolve("maintenance-known_hosts.empty");
        Files.writeString(empty, "");
        Path unknown = world.appDir.resolve("maintenance-unknown-keys.yaml");
        Files.writeString(unknown, Files.readString(world.descriptor).replace(world.stateDir.resolve("known_hosts").toString(),
                empty.toString()));
        Cli refused = tierlift("maintenance", "on", "onprem", "-f", unknown.toString(), "--verbose");
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
        assertThat(world.exec("edge1", "test -e /etc/nginx/tierlift/maintenance.on && echo on || echo off").stdout().strip())
                .as("the refused switch left the edge as it was").isEqualTo("off");
    }

    @Test
    @Order(80)
    void logsShowNoSecretThoughTheyReadTheAppsAndPostgresqlsLogs() throws IOException {
        // A failed login with the canary as the password: PostgreSQL logs the failure, never the password.
        world.exec("db1", "PGPASSWORD='" + DB + "-wrong' psql -h " + world.address("db1") + " -p 5432 -U notes -d notes -c 'select 1' 2>/dev/null; true");
        // A request through the edge, so the edge's access log has a line to read.
        world.curl("--resolve", "notes.sandbox.test:443:" + world.address("edge1"), "https://notes.sandbox.test/api/health");
        Cli all = tierlift("logs", "onprem", "-f", file(), "--since", "2h", "--verbose");
        assertThat(all.exitCode()).as(all.all()).isZero();
        assertThat(all.out()).as("every role's logs were read").contains("db1 postgresql | ", "edge1 nginx-access | ")
                // Gunicorn writes files without systemd and to the unit's journal with it.
                .containsPattern("(?m)^app1 (gunicorn-\\S+|journal) \\| ");
        Cli json = tierlift("logs", "onprem", "-f", file(), "--since", "2h", "--role", "db", "--output", "json");
        assertThat(json.exitCode()).as(json.all()).isZero();
        tierlift("logs", "onprem", "-f", file(), "--since", "2h", "--grep", "password|secret|DATABASE_URL");

        Cli host = tierlift("logs", "onprem", "-f", file(), "--host", "nosuch", "--verbose");
        assertThat(host.exitCode()).as(host.all()).isEqualTo(1);
        Cli grep = tierlift("logs", "onprem", "-f", file(), "--grep", "(");
        assertThat(grep.exitCode()).as(grep.all()).isEqualTo(64);
        Path empty = world.root.resolve("known_hosts.logs-empty");
        Files.writeString(empty, "");
        Path unknown = world.appDir.resolve("logs-unknown-keys.yaml");
        Files.writeString(unknown, Files.readString(world.descriptor).replace(world.stateDir.resolve("known_hosts").toString(), empty.toString()));
        Cli refused = tierlift("logs", "onprem", "-f", unknown.toString(), "--verbose");
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
    }

    @Test
    @Order(85)
    void execAndDbShellShowNoSecretOnSuccessOrFailure() {
        Map<String, String> env = Map.of("HOME", System.getProperty("user.home"), "PATH", System.getenv("PATH"), "USER", "canary-operator");
        java.util.function.BiFunction<String, String[], Cli> run = (stdin, args) -> {
            Cli cli = Cli.withInput(env, stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8), args);
            assertNoCanary("output of tierlift " + String.join(" ", args), cli.all());
            return cli;
        };
        Cli exec = run.apply("", new String[] {"exec", "onprem", "-f", file(), "--verbose", "--", "python", "-c",
                "import os; print(os.environ['DATABASE_URL'] != '', os.environ['NOTES_API_TOKEN'] != '')"});
        assertThat(exec.exitCode()).as(exec.all()).isZero();
        assertThat(exec.out().strip()).isEqualTo("True True");
        Cli failing = run.apply("", new String[] {"exec", "onprem", "-f", file(), "--", "python", "-c", "import os; raise SystemExit(os.environ['NOTES_API_TOKEN'] == '')"});
        assertThat(failing.exitCode()).as(failing.all()).isZero();
        Cli crash = run.apply("", new String[] {"exec", "onprem", "-f", file(), "--verbose", "--", "python", "-c",
                "import os; raise RuntimeError('boom ' + str(len(os.environ['DATABASE_URL'])))"});
        assertThat(crash.exitCode()).as(crash.all()).isEqualTo(1);
        assertThat(crash.err()).contains("RuntimeError: boom");
        Cli missing = run.apply("", new String[] {"exec", "onprem", "-f", file(), "--", "no-such-program"});
        assertThat(missing.exitCode()).as(missing.all()).isEqualTo(127);
        Cli badHost = run.apply("", new String[] {"exec", "onprem", "-f", file(), "--host", "db1", "--verbose", "--", "true"});
        assertThat(badHost.exitCode()).as(badHost.all()).isEqualTo(1);

        Cli query = run.apply("select current_user;\n", new String[] {"db", "shell", "onprem", "-f", file(), "--verbose"});
        assertThat(query.exitCode()).as(query.all()).isZero();
        assertThat(query.out()).contains("notes");
        Cli badSql = run.apply("\\set ON_ERROR_STOP on\nselect no_such_column;\n", new String[] {"db", "shell", "onprem", "-f", file()});
        assertThat(badSql.exitCode()).as(badSql.all()).isEqualTo(3);
        assertThat(badSql.err()).contains("no_such_column");
        Cli noPsql = Cli.withInput(Map.of("HOME", System.getProperty("user.home"), "PATH", "/nonexistent"), new byte[0],
                "db", "shell", "onprem", "-f", file(), "--verbose");
        assertNoCanary("db shell without psql", noPsql.all());
        assertThat(noPsql.exitCode()).as(noPsql.all()).isEqualTo(1);

        Path empty = world.root.resolve("known_hosts.exec-empty");
        try {
            Files.writeString(empty, "");
            Path unknown = world.appDir.resolve("exec-unknown-keys.yaml");
            Files.writeString(unknown, Files.readString(world.descriptor).replace(world.stateDir.resolve("known_hosts").toString(), empty.toString()));
            Cli refusedExec = run.apply("", new String[] {"exec", "onprem", "-f", unknown.toString(), "--verbose", "--", "true"});
            assertThat(refusedExec.exitCode()).as(refusedExec.all()).isEqualTo(1);
            Cli refusedShell = run.apply("select 1;\n", new String[] {"db", "shell", "onprem", "-f", unknown.toString(), "--verbose"});
            assertThat(refusedShell.exitCode()).as(refusedShell.all()).isEqualTo(1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String host : List.of("app1", "app2")) {
            String log = world.exec(host, "cat /var/log/tierlift/exec.log 2>/dev/null; echo end-of-log").stdout();
            assertNoCanary("the exec log on " + host, log);
        }
        assertThat(world.exec("app1", "cat /var/log/tierlift/exec.log").stdout()).contains("operator=canary-operator");
    }

    @Test
    @Order(99)
    void awsIaasExecErrorPathsShowNoSecret() throws IOException {
        // The descriptor's aws-iaas section (as @10 writes it); AWS answers every call AccessDenied, at once (no retry).
        Path iaas = world.appDir.resolve("exec-iaas.yaml");
        Files.writeString(iaas, Files.readString(world.descriptor) + "  aws-iaas:\n    region: eu-west-1\n    vpc_cidr: 10.20.0.0/16\n"
                + "    certificate_arn: arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n"
                + "    origin_domain: origin.notes.example.com\n");
        com.sun.net.httpserver.HttpServer denying = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        denying.createContext("/", exchange -> {
            byte[] body = ("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized"
                    + "</Message></Error><RequestId>canary</RequestId></ErrorResponse>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        denying.start();
        try {
            Map<String, String> env = new java.util.HashMap<>(world.env());
            env.putAll(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:" + denying.getAddress().getPort(), "AWS_ACCESS_KEY_ID", "testing",
                    "AWS_SECRET_ACCESS_KEY", "testing", "AWS_REGION", "eu-west-1", "USER", "canary-operator"));
            for (String[] args : List.of(
                    new String[] {"exec", "aws-iaas", "-f", iaas.toString(), "--verbose", "--", "python", "-c", "import os; print(os.environ)"},
                    new String[] {"exec", "aws-iaas", "-f", iaas.toString(), "--host", "i-0123456789abcdef0", "--", "flask", "routes"})) {
                Cli cli = Cli.withInput(env, new byte[0], args);
                outputs.add("$ tierlift " + String.join(" ", args) + "\n" + cli.all());
                assertNoCanary("output of tierlift " + String.join(" ", args), cli.all());
                assertThat(cli.exitCode()).as(cli.all()).isEqualTo(1);
                assertThat(cli.err()).contains("AccessDenied");
            }
        } finally {
            denying.stop(0);
        }
    }
}

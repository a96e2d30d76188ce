package io.tierlift.onprem.deploy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The verifiers tierlift gives roles against a real PostgreSQL 15 and libpq (through psycopg2, as
 * the app logs in): passwords that SASLprep changes log in, and a verifier the server made itself
 * from the password is recognised as unchanged.
 */
class ScramVerifierRealTest {
    private static final String BIN = "/usr/lib/postgresql/15/bin/";
    private static final String PYTHON = "/usr/bin/python3";
    private static Path root;
    private static int port;
    private static boolean started;
    private final ScramVerifier scram = new ScramVerifier(new SecureRandom());

    @BeforeAll
    static void startServer() throws Exception {
        for (String tool : List.of(BIN + "initdb", BIN + "pg_ctl", BIN + "psql", "/usr/sbin/runuser", PYTHON)) {
            if (!Files.isExecutable(Path.of(tool))) {
                fail(tool + " is needed (Debian packages postgresql-15, util-linux, python3)");
            }
        }
        if (run(List.of(PYTHON, "-c", "import psycopg2"), Map.of()).exit != 0) {
            fail("psycopg2 is needed for " + PYTHON + " (Debian package python3-psycopg2)");
        }
        root = Files.createTempDirectory("tl-scram-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        asPostgres(List.of(BIN + "initdb", "-D", root.resolve("data").toString(), "-U", "postgres", "--auth-local=peer",
                "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"));
        asPostgres(List.of(BIN + "pg_ctl", "-D", root.resolve("data").toString(), "-l", root.resolve("server.log").toString(), "-w",
                "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + root, "start"));
        started = true;
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (started) {
            asPostgres(List.of(BIN + "pg_ctl", "-D", root.resolve("data").toString(), "-m", "fast", "-w", "stop"));
        }
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    @ParameterizedTest(name = "password {0}")
    @ValueSource(strings = {"plain-ascii-1", "caf\u00e9 cr\u00e8me", "\ufb01ne \ufb01sh", "no\u00a0break\u00a0space", "\u65e5\u672c\ud83d\ude00"})
    void aRoleWithTheVerifierLogsInThroughLibpq(String password) throws Exception {
        String role = "r" + Integer.toHexString(password.hashCode() & 0xffffff);
        psql("CREATE ROLE " + role + " LOGIN PASSWORD :'verifier'", "verifier=" + scram.create(password));
        Result login = run(List.of(PYTHON, "-c", String.join("\n",
                "import os, psycopg2",
                "c = psycopg2.connect(host='127.0.0.1', port=os.environ['PORT'], dbname='postgres', user=os.environ['ROLE'],",
                "                     password=os.environ['PASSWORD'])",
                "print(c.cursor().connection.get_parameter_status('server_encoding'))")),
                Map.of("PORT", String.valueOf(port), "ROLE", role, "PASSWORD", password));
        assertThat(login.exit).as("psycopg2 login: %s", login.output).isZero();
        assertThat(login.output.strip()).isEqualTo("UTF8");
    }

    @Test
    void aVerifierTheServerMadeFromThePasswordMatchesIt() throws Exception {
        String password = "\ufb01\u00a0ok";
        psql("SET password_encryption = 'scram-sha-256'; CREATE ROLE serverside LOGIN PASSWORD :'password'", "password=" + password);
        String stored = psql("SELECT rolpassword FROM pg_authid WHERE rolname = 'serverside'").strip();
        assertThat(scram.matches(stored, password)).isTrue();
        assertThat(scram.matches(stored, "fi ok!")).isFalse();
    }

    private static String psql(String sql, String... variables) throws Exception {
        List<String> argv = new ArrayList<>(List.of(BIN + "psql", "-X", "-q", "-At", "-h", root.toString(), "-p", String.valueOf(port),
                "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1"));
        for (String variable : variables) {
            argv.add("-v");
            argv.add(variable);
        }
        // psql expands :'name' only in what it reads, not in -c: the SQL goes on stdin.
        return asPostgres(argv, sql + ";\n");
    }

    private static String asPostgres(List<String> argv) throws Exception {
        return asPostgres(argv, "");
    }

    private static String asPostgres(List<String> argv, String stdin) throws Exception {
        List<String> full = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", "postgres", "--"));
        full.addAll(argv);
        Result result = run(full, Map.of(), stdin);
        assertThat(result.exit).as("%s: %s", argv.get(0), result.output).isZero();
        return result.output;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> argv, Map<String, String> env) throws IOException, InterruptedException {
        return run(argv, env, "");
    }

    private static Result run(List<String> argv, Map<String, String> env, String stdin) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).directory(Path.of("/").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(argv.get(0) + " did not finish within 120 s");
        }
        return new Result(process.exitValue(), output);
    }
}

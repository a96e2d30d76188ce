package io.tierlift.aws.lambda;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A throwaway PostgreSQL 15 on 127.0.0.1 for one test class: its own data folder, a free port,
 * a socket folder of its own and TLS with a self-signed certificate (the adapter connects with
 * {@code sslmode=require}, as the RDS Proxy demands). Run as the postgres user; stopped with
 * pg_ctl and its folder removed by {@link #close()}.
 */
public final class LocalPostgres implements AutoCloseable {
    static final String BIN = "/usr/lib/postgresql/15/bin/";
    private static final String RUNUSER = "/usr/sbin/runuser";

    private final Path root;
    private final Path data;
    private final Path sockets;
    private final Path logs;
    private final int port;
    private boolean started;

    private LocalPostgres(Path root, int port) {
        this.root = root;
        this.data = root.resolve("data");
        this.sockets = root.resolve("sockets");
        this.logs = root.resolve("logs");
        this.port = port;
    }

    public static void requireTools() {
        for (String tool : List.of("initdb", "pg_ctl", "postgres", "psql")) {
            require(Path.of(BIN + tool), "postgresql-15");
        }
        require(Path.of(RUNUSER), "util-linux");
        require(Path.of("/usr/bin/openssl"), "openssl");
    }

    public static void require(Path program, String debianPackage) {
        if (!Files.isExecutable(program)) {
            fail(program + " is needed for this test; install the Debian package " + debianPackage);
        }
    }

    public static LocalPostgres start() throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("tl-lambda-pg-");
        LocalPostgres pg = new LocalPostgres(root, freePort());
        try {
            pg.init();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    public int port() {
        return port;
    }

    private void init() throws IOException, InterruptedException {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserPrincipal postgres = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        for (Path dir : List.of(data, sockets, logs)) {
            Files.createDirectory(dir);
            Files.setOwner(dir, postgres);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        Path key = root.resolve("server.key");
        Path certificate = root.resolve("server.crt");
        run(List.of("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                "-days", "2", "-keyout", key.toString(), "-out", certificate.toString()), null);
        for (Path file : List.of(key, certificate)) {
            Files.setOwner(file, postgres);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        asPostgres(List.of(BIN + "initdb", "-D", data.toString(), "-U", "postgres", "--auth-local=peer",
                "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"), null);
        // pg_ctl hands -o to a shell; every path here is a temporary folder without spaces.
        String options = "-c listen_addresses=127.0.0.1 -p " + port + " -k " + sockets
                + " -c ssl=on -c ssl_cert_file=" + certificate + " -c ssl_key_file=" + key;
        asPostgres(List.of(BIN + "pg_ctl", "-D", data.toString(), "-l", logs.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", options, "start"), null);
        started = true;
    }

    /** Runs SQL as the superuser over the socket; psql variables ({@code -v name=value}) keep values out of the SQL text. */
    public void sql(String script, String... variables) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(BIN + "psql", "-X", "-q", "-h", sockets.toString(), "-p", String.valueOf(port),
                "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1"));
        for (String variable : variables) {
            argv.add("-v");
            argv.add(variable);
        }
        asPostgres(argv, script);
    }

    /** The rows of a query run as the superuser in one database, one line each, columns separated by '|'. */
    public String query(String database, String query) throws IOException, InterruptedException {
        return asPostgres(List.of(BIN + "psql", "-X", "-q", "-At", "-h", sockets.toString(), "-p", String.valueOf(port),
                "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-c", query), null).strip();
    }

    /** Stops the server (fast shutdown, by its data folder) and removes everything it had. */
    @Override
    public void close() throws IOException {
        try {
            if (started) {
                asPostgres(List.of(BIN + "pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"), null);
                started = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping PostgreSQL in " + data, e);
        } finally {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private String asPostgres(List<String> argv, String stdin) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of(RUNUSER, "-u", "postgres", "--"));
        full.addAll(argv);
        return run(full, stdin);
    }

    private String run(List<String> argv, String stdin) throws IOException, InterruptedException {
        Path output = Files.createTempFile(root, "cmd-", ".out");
        ProcessBuilder builder = new ProcessBuilder(argv).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail(argv.get(0) + " did not finish within 2 minutes");
        }
        String text = Files.readString(output);
        Files.delete(output);
        Path log = logs.resolve("server.log");
        assertThat(process.exitValue()).as("%s failed:\n%s%s", argv, text,
                Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "").isZero();
        return text;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

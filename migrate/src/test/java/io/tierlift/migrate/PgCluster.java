package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;
import io.tierlift.secret.SecretRef;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A throwaway PostgreSQL 15 cluster on loopback, owned by the postgres user, removed on close. */
final class PgCluster implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final String PASSWORD = "s3cret-'pw:\\x";
    static final SecretRef PASSWORD_REF = new SecretRef(SecretRef.Kind.ENV, "TIERLIFT_TEST_PGPASSWORD");

    private final Path dir;
    private final int port;
    private boolean running;

    PgCluster(String walLevel) throws Exception {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new IllegalStateException("PostgreSQL 15 server binaries missing at " + BIN + ": apt-get install postgresql-15");
        }
        dir = Files.createTempDirectory("tierlift-pg-test");
        port = freePort();
        Path pwfile = dir.resolve("pw");
        Files.writeString(pwfile, PASSWORD + "\n");
        run("chown", "-R", "postgres:postgres", dir.toString());
        run("runuser", "-u", "postgres", "--", BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C.UTF-8");
        Files.createDirectories(dir.resolve("sock"));
        run("chown", "postgres:postgres", dir.resolve("sock").toString());
        run("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-l", dir.resolve("log").toString(), "-w", "-t", "60", "start", "-o",
                "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir.resolve("sock") + " -c wal_level=" + walLevel
                        + " -c max_replication_slots=10 -c max_wal_senders=10 -c fsync=off -c shared_buffers=64MB");
        running = true;
    }

    int port() {
        return port;
    }

    DbEndpoint endpoint(String database) {
        return endpoint(database, "postgres", port);
    }

    /** The database as reached by {@code user} (whose password is {@link #PASSWORD} too) through {@code port}. */
    DbEndpoint endpoint(String database, String user, int port) {
        return new DbEndpoint("127.0.0.1", port, database, user, Optional.of(PASSWORD_REF));
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", PASSWORD);
    }

    void sql(String database, String... statements) throws SQLException {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    String serverLog() throws IOException {
        return Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
    }

    @Override
    public void close() throws Exception {
        if (running) {
            run("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-m", "immediate", "-w", "stop");
            running = false;
        }
        PgTools.deleteTree(dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void run(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}

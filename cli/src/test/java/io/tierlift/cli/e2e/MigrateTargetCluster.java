package io.tierlift.cli.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The migration's target database: a throwaway PostgreSQL 15 cluster on loopback, run as the
 * postgres user with SCRAM passwords, stopped and deleted on close. Missing server programs fail
 * the test naming the package.
 */
final class MigrateTargetCluster implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final String PASSWORD_VARIABLE = "TIERLIFT_MIGRATE_TARGET_PASSWORD";

    final String password = "target-" + Long.toHexString(System.nanoTime()) + "-'pw";
    private final Path dir;
    private final int port;
    private boolean running;

    MigrateTargetCluster() throws Exception {
        this(null, null);
    }

    /** A cluster created as legacy servers often were: SQL_ASCII, C locale (bytes stored as they come). */
    static MigrateTargetCluster sqlAscii() throws Exception {
        return new MigrateTargetCluster(null, null, "SQL_ASCII", "C");
    }

    /**
     * Also listens on {@code bridgeAddress} (this machine's side of a test bridge) for clients of
     * {@code clientCidr}, with logical decoding on: sandbox servers reach it there to replicate from it.
     */
    MigrateTargetCluster(String bridgeAddress, String clientCidr) throws Exception {
        this(bridgeAddress, clientCidr, "UTF8", "C.UTF-8");
    }

    private MigrateTargetCluster(String bridgeAddress, String clientCidr, String encoding, String locale) throws Exception {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new AssertionError("PostgreSQL 15 server programs are missing at " + BIN + ": apt-get install postgresql-15");
        }
        dir = Files.createTempDirectory("tierlift-migrate-target-");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("pw"), password + "\n");
        Files.createDirectories(dir.resolve("sock"));
        run("chown", "-R", "postgres:postgres", dir.toString());
        run("runuser", "-u", "postgres", "--", BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + dir.resolve("pw"), "-E", encoding, "--locale=" + locale);
        String listen = "127.0.0.1";
        String decoding = "";
        if (bridgeAddress != null) {
            listen += "," + bridgeAddress;
            Files.writeString(dir.resolve("data/pg_hba.conf"), "host all all " + clientCidr + " scram-sha-256\n",
                    java.nio.file.StandardOpenOption.APPEND);
            decoding = " -c wal_level=logical";
        }
        run("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-l", dir.resolve("log").toString(), "-w", "-t", "60", "start", "-o",
                "-c listen_addresses=" + listen + decoding + " -p " + port + " -k " + dir.resolve("sock")
                        + " -c max_replication_slots=10 -c max_wal_senders=10 -c max_logical_replication_workers=8"
                        + " -c fsync=off -c shared_buffers=64MB -c wal_retrieve_retry_interval=500ms");
        running = true;
        // On RDS the descriptor's database user is the master user and owns what is restored; here too.
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE notes NOLOGIN");
        }
    }

    /** The --target-db URL for one database of this cluster, with the password as an environment reference. */
    String url(String database) {
        return "postgresql://postgres@127.0.0.1:" + port + "/" + database + "?password_ref=${env:" + PASSWORD_VARIABLE + "}";
    }

    /** The URL for one database as reached at {@code host} (a bridge address this cluster listens on). */
    String url(String database, String host) {
        return url(database).replace("@127.0.0.1:", "@" + host + ":");
    }

    /** The loopback port it listens on, for client programs (pg_restore) run against it. */
    int port() {
        return port;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", password);
    }

    void createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
    }

    String log() throws IOException {
        return Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
    }

    @Override
    public void close() throws Exception {
        try {
            if (running) {
                run("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                        "-m", "immediate", "-w", "stop");
                running = false;
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}

package io.tierlift.cli.e2e;

import io.tierlift.database.PgSql;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 15 standing in for the RDS instance: a throwaway cluster of this machine listening
 * on one address only (a test bridge's), accepting TLS connections only (as {@code rds.force_ssl} does),
 * with the master user and password RDS keeps in its secret, not a superuser (as on RDS), owning the
 * stack's database. Run as the postgres user; stopped and deleted on close. Missing server programs or
 * openssl fail the test naming the package.
 */
final class RdsStandIn implements AutoCloseable {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String BOOTSTRAP_USER = "rdsadmin";

    private final Path dir;
    private final String address;
    private final int port;
    private final String bootstrapPassword = "bootstrap-" + Long.toHexString(System.nanoTime());
    private boolean running;

    /** Binds {@code address} (which must be this machine's) and allows clients from {@code clientCidr}. */
    RdsStandIn(InetAddress address, String clientCidr) throws Exception {
        this(address, clientCidr, false);
    }

    /**
     * {@code logicalReplication}: as an instance whose parameter group sets {@code rds.logical_replication = 1}
     * (wal_level logical), a migration's source.
     */
    RdsStandIn(InetAddress address, String clientCidr, boolean logicalReplication) throws Exception {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new AssertionError("PostgreSQL 15 server programs are missing at " + BIN + ": apt-get install postgresql-15");
        }
        this.address = address.getHostAddress();
        dir = Files.createTempDirectory("tierlift-rds-standin-");
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("pw"), bootstrapPassword + "\n");
        Files.createDirectories(dir.resolve("sock"));
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=rds-stand-in",
                "-keyout", dir.resolve("server.key").toString(), "-out", dir.resolve("server.crt").toString());
        run("chown", "-R", "postgres:postgres", dir.toString());
        run("chmod", "600", dir.resolve("server.key").toString());
        Path data = dir.resolve("data");
        run("runuser", "-u", "postgres", "--", BIN.resolve("initdb").toString(), "-D", data.toString(),
                "-U", BOOTSTRAP_USER, "--auth=scram-sha-256", "--pwfile=" + dir.resolve("pw"), "-E", "UTF8", "--locale=C.UTF-8");
        // Clients of the bridge over TLS only; initdb's own lines cover the socket and loopback.
        Files.writeString(data.resolve("pg_hba.conf"), "hostssl all all " + clientCidr + " scram-sha-256\n",
                StandardOpenOption.APPEND);
        run("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-l", dir.resolve("log").toString(), "-w", "-t", "60", "start", "-o",
                "-c listen_addresses=" + this.address + " -p " + port + " -k " + dir.resolve("sock")
                        + " -c ssl=on -c ssl_cert_file=" + dir.resolve("server.crt")
                        + " -c ssl_key_file=" + dir.resolve("server.key") + " -c fsync=off -c shared_buffers=32MB"
                        + (logicalReplication ? " -c wal_level=logical" : ""));
        running = true;
    }

    int port() {
        return port;
    }

    /** What RDS does when it creates the instance: the master user (its secret's credentials) and its database. */
    void createMasterUserAndDatabase(String user, String password, String database) throws SQLException {
        try (Connection c = connect(BOOTSTRAP_USER, bootstrapPassword, "postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + PgSql.identifier(user) + " LOGIN CREATEDB CREATEROLE PASSWORD " + PgSql.literal(password));
            st.execute("CREATE DATABASE " + PgSql.identifier(database) + " OWNER " + PgSql.identifier(user));
        }
    }

    /** What {@code GRANT rds_replication TO user} gives on RDS: the right to publish and stream changes. */
    void grantReplication(String user) throws SQLException {
        try (Connection c = connect(BOOTSTRAP_USER, bootstrapPassword, "postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + PgSql.identifier(user) + " REPLICATION");
        }
    }

    /**
     * What RDS's master user is a member of: a role named rds_superuser, so tierlift takes the
     * master user for one that may create subscriptions. Here it carries none of the real role's rights.
     */
    void grantRdsSuperuserRole(String user) throws SQLException {
        try (Connection c = connect(BOOTSTRAP_USER, bootstrapPassword, "postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE rds_superuser NOLOGIN");
            st.execute("GRANT rds_superuser TO " + PgSql.identifier(user));
        }
    }

    /** A TLS connection as the master user, as the app connects. */
    Connection connectAs(String user, String password, String database) throws SQLException {
        return connect(user, password, database);
    }

    /** A TLS connection as the bootstrap superuser, for the test's own queries. */
    Connection connect(String database) throws SQLException {
        return connect(BOOTSTRAP_USER, bootstrapPassword, database);
    }

    private Connection connect(String user, String password, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("sslmode", "require");
        return DriverManager.getConnection("jdbc:postgresql://" + address + ":" + port + "/" + database, props);
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
        Process p;
        try {
            p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is needed and could not be started: " + e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}

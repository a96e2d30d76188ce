package io.tierlift.render.onprem.database;

import io.tierlift.database.PgSql;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Database;
import io.tierlift.model.OnpremTarget;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.OnpremRenderer;
import io.tierlift.render.onprem.app.AppServerRenderer;
import io.tierlift.render.onprem.firewall.CanarySecrets;
import io.tierlift.render.onprem.firewall.FirewallRenderer;
import io.tierlift.render.onprem.firewall.NetworkNamespace;
import io.tierlift.render.onprem.firewall.Programs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real primary and hot standby started from the rendered files. Each host is a network
 * namespace of the test's own on a bridge (in a fourth namespace), with the rendered firewall
 * applied; temporary folders are bind-mounted over /etc/postgresql, /var/lib/postgresql and
 * /run/postgresql inside each command's private mount namespace, so the rendered files sit at
 * exactly the paths they name (the standby's primary_conninfo points at
 * /var/lib/postgresql/.pgpass). The app host writes through its rendered environment file and
 * envexec.py, and reads the row back from the standby through DATABASE_READ_URL.
 */
@Tag("real")
class PostgresReplicationRealTest {
    private static final String BIN = "/usr/lib/postgresql/15/bin/";
    private static final String PYTHON = "/usr/bin/python3";
    private static final String APP_PASSWORD = "CANARY app'pw\"\\:@/%?# +ü$x";
    private static final String REPLICATION_PASSWORD = "CANARY:repl\\pw'\" ;x";
    private static final String SUBNET_PREFIX = "10.233.0.";
    private static final String OUTSIDER = SUBNET_PREFIX + "254";
    private static final String DESCRIPTOR = """
            app: notes
            backend: { wsgi: "notes.app:app" }
            database:
              name: notes
              user: notes
              password: "${env:TL_TEST_APP_PASSWORD}"
              replication_password: "${env:TL_TEST_REPLICATION_PASSWORD}"
            targets:
              onprem:
                domain: notes.test
                waf: { crs: false }
                admin_networks: [10.233.1.0/24]
                hosts:
                  edge: { address: 10.233.0.10, zone: dmz, roles: [proxy, static] }
                  app1: { address: 10.233.0.3, roles: [app] }
                  db1:  { address: 10.233.0.1, roles: [db-primary] }
                  db2:  { address: 10.233.0.2, roles: [db-standby] }
            """;
    /** Stand-in for the postgresql.conf Debian's pg_createcluster writes; conf.d comes last. */
    private static final String DEBIAN_MAIN_CONF = """
            data_directory = '/var/lib/postgresql/15/main'
            hba_file = '/etc/postgresql/15/main/pg_hba.conf'
            ident_file = '/etc/postgresql/15/main/pg_ident.conf'
            unix_socket_directories = '/var/run/postgresql'
            port = 5432
            # Debian turns TLS on with its snakeoil certificate; tierlift's conf.d must turn it off
            # (no certificate exists here, so the server would not start otherwise).
            ssl = on
            shared_buffers = 128MB
            include_dir = 'conf.d'
            """;
    /** Runs the command with the host's folders mounted, from '/', as argv (no string building). */
    private static final String MOUNT_AND_EXEC = "set -e; mount --bind \"$1\" /etc/postgresql; "
            + "mount --bind \"$2\" /var/lib/postgresql; mount --bind \"$3\" /run/postgresql; shift 3; cd /; exec \"$@\"";
    private static final String WRITE = """
            import os, sys, psycopg2
            conn = psycopg2.connect(os.environ["DATABASE_URL"])
            with conn, conn.cursor() as cur:
                cur.execute("CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, body text NOT NULL)")
                cur.execute("INSERT INTO notes (body) VALUES (%s)", (sys.argv[1],))
                cur.execute("SELECT host(inet_client_addr())")
                print(cur.fetchone()[0])
            """;
    private static final String READ = """
            import os, sys, psycopg2
            conn = psycopg2.connect(os.environ["DATABASE_READ_URL"])
            cur = conn.cursor()
            cur.execute("SELECT pg_is_in_recovery(), count(*) FROM notes WHERE body = %s", (sys.argv[1],))
            recovery, count = cur.fetchone()
            print(recovery, count)
            """;

    private final Programs programs = new Programs();
    private final FreemarkerEngine engine = new FreemarkerEngine();
    private final Deque<Runnable> cleanup = new ArrayDeque<>();
    private final String prefix = "tl-test-pg-" + ProcessHandle.current().pid() + "-";

    /** One database host: its namespace and the folders mounted over the Debian paths. */
    private record DbHost(String name, String address, NetworkNamespace ns, Path etc, Path lib, Path run) {
        List<String> cmd(List<String> argv) {
            List<String> full = new ArrayList<>(List.of("sh", "-c", MOUNT_AND_EXEC, "sh", etc.toString(), lib.toString(), run.toString()));
            full.addAll(argv);
            return ns.exec(full);
        }

        List<String> asPostgres(List<String> argv) {
            List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
            full.addAll(argv);
            return cmd(full);
        }

        Path dataDir() {
            return lib.resolve("15/main");
        }
    }

    @AfterEach
    void cleanUp() {
        List<Throwable> failures = new ArrayList<>();
        while (!cleanup.isEmpty()) {
            try {
                cleanup.pop().run();
            } catch (RuntimeException | AssertionError e) {
                failures.add(e);
            }
        }
        assertThat(failures).as("clean-up failures").isEmpty();
    }

    private void requireTools() {
        programs.require("/usr/sbin/ip", "iproute2");
        programs.require("/usr/sbin/nft", "nftables");
        programs.require("/usr/sbin/runuser", "util-linux");
        for (String tool : List.of("initdb", "pg_ctl", "postgres", "pg_basebackup", "psql", "pg_isready")) {
            programs.require(BIN + tool, "postgresql-15");
        }
        programs.require(PYTHON, "python3");
        Programs.Result psycopg = programs.run(List.of(PYTHON, "-c", "import psycopg2"));
        assertThat(psycopg.exit()).as("%s cannot import psycopg2: install the Debian package python3-psycopg2", PYTHON).isZero();
    }

    @Test
    void standbyServesTheRowTheAppWroteOnThePrimary() throws Exception {
        requireTools();
        AppDescriptor d = TestDescriptors.fromText(DESCRIPTOR);
        OnpremTarget target = d.targets().onprem().orElseThrow();
        Database db = d.database();
        CanarySecrets canaries = new CanarySecrets(Map.of(
                "TL_TEST_APP_PASSWORD", APP_PASSWORD, "TL_TEST_REPLICATION_PASSWORD", REPLICATION_PASSWORD));
        DatabaseRenderer databaseRenderer = new DatabaseRenderer(engine);
        List<RenderedFile> files = new OnpremRenderer(List.of(databaseRenderer, new AppServerRenderer(engine),
                new FirewallRenderer(engine))).render(d, canaries.view());
        DatabaseSetup setup = databaseRenderer.setup(d, target);
        String slot = setup.standbySlot().orElseThrow();
        String primaryAddress = target.host("db1").orElseThrow().address();
        String port = String.valueOf(db.port());

        Path root = Files.createTempDirectory("tl-pg-");
        cleanup.push(() -> deleteTree(root));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));

        // Network: a bridge in its own namespace, one namespace per host, each firewalled as rendered.
        NetworkNamespace sw = namespace("sw");
        programs.ok(sw.exec(List.of("ip", "link", "add", "br0", "type", "bridge")));
        programs.ok(sw.exec(List.of("ip", "addr", "add", OUTSIDER + "/24", "dev", "br0")));
        programs.ok(sw.exec(List.of("ip", "link", "set", "br0", "up")));
        NetworkNamespace app1 = hostNamespace(sw, "app1", target.host("app1").orElseThrow().address());
        DbHost db1 = dbHost(root, sw, "db1", primaryAddress, files);
        DbHost db2 = dbHost(root, sw, "db2", target.host("db2").orElseThrow().address(), files);
        for (NetworkNamespace ns : List.of(app1, db1.ns(), db2.ns())) {
            String host = ns.name().substring(prefix.length());
            Path rules = root.resolve(host + "-firewall.nft");
            Files.write(rules, rendered(files, host, FirewallRenderer.PATH).content());
            programs.ok(ns.exec(List.of("nft", "-f", rules.toString())));
        }

        // Primary: initdb, the rendered settings, the roles and database the setup names.
        programs.ok(db1.asPostgres(List.of(BIN + "initdb", "-D", "/var/lib/postgresql/15/main",
                "--auth-local=peer", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C")));
        start(db1);
        StringBuilder roles = new StringBuilder();
        for (DatabaseSetup.PgRole role : setup.roles()) {
            roles.append("CREATE ROLE ").append(PgSql.identifier(role.name())).append(" LOGIN")
                    .append(role.replication() ? " REPLICATION" : "")
                    .append(" PASSWORD ").append(PgSql.literal(canaries.resolve(role.password()).reveal())).append(";\n");
        }
        roles.append("CREATE DATABASE ").append(PgSql.identifier(setup.database()))
                .append(" OWNER ").append(PgSql.identifier(setup.owner())).append(";\n");
        programs.ok(psql(db1, "postgres"), roles.toString());
        literalsRoundTrip(db1);

        // Standby: a base backup over the network, authenticated by the rendered .pgpass.
        programs.ok(db2.asPostgres(List.of(BIN + "pg_basebackup", "-h", primaryAddress, "-p", port,
                "-U", db.replicationUser(), "-w", "-D", "/var/lib/postgresql/15/main",
                "-R", "-X", "stream", "-C", "-S", slot, "-c", "fast")));
        Path autoConf = db2.dataDir().resolve("postgresql.auto.conf");
        String written = Files.readString(autoConf);
        assertThat(written).as("pg_basebackup -R writes the connection settings, with the passfile, not the password")
                .contains("primary_conninfo").contains("passfile=''/var/lib/postgresql/.pgpass''").doesNotContain("CANARY");
        // -R settings in postgresql.auto.conf win over conf.d (and lack application_name): drop
        // them so the standby runs on the rendered tierlift-standby.conf, as a deployer must.
        Files.writeString(autoConf, written.lines()
                .filter(l -> !l.startsWith("primary_conninfo") && !l.startsWith("primary_slot_name"))
                .map(l -> l + "\n").reduce("", String::concat));
        assertThat(Files.exists(db2.dataDir().resolve("standby.signal"))).isTrue();
        start(db2);

        // The app host writes through envexec.py and its rendered environment...
        Path envexec = root.resolve("envexec.py");
        Path envFile = root.resolve("app-env.json");
        Files.write(envexec, rendered(files, "app1", "/usr/local/lib/tierlift/envexec.py").content());
        Files.write(envFile, rendered(files, "app1", "/etc/notes/app-env.json").content());
        String marker = "written-on-the-primary-" + System.nanoTime();
        Programs.Result write = programs.ok(app1.exec(List.of(PYTHON, envexec.toString(), envFile.toString(), "--",
                PYTHON, "-c", WRITE, marker)));
        assertThat(write.stdout().strip()).as("the primary sees the app host's address").isEqualTo("10.233.0.3");

        // ...and reads the row from the standby.
        String seen = "";
        for (int attempt = 0; attempt < 50 && !seen.equals("True 1"); attempt++) {
            Programs.Result read = programs.run(app1.exec(List.of(PYTHON, envexec.toString(), envFile.toString(), "--",
                    PYTHON, "-c", READ, marker)));
            seen = read.stdout().strip();
            if (!seen.equals("True 1")) {
                Thread.sleep(200);
            }
        }
        assertThat(seen).as("standby in recovery with the row (server log:\n%s)", log(db2)).isEqualTo("True 1");

        // The standby streams with the rendered conninfo (its application_name) through its slot.
        assertThat(query(db1, "SELECT application_name || ' ' || state FROM pg_stat_replication")).isEqualTo("db2 streaming");
        assertThat(query(db1, "SELECT slot_name || ' ' || active FROM pg_replication_slots")).isEqualTo(slot + " true");
        assertThat(query(db2, "SHOW primary_conninfo")).doesNotContain("CANARY").contains("application_name=db2");

        // pg_hba: the app role is refused from anywhere but the app host, even where the firewall lets it through.
        Programs.Result fromStandby = programs.run(db2.ns().exec(List.of(BIN + "psql", "-X", "-w", "-h", primaryAddress,
                "-p", port, "-U", db.user(), "-d", db.name(), "-c", "SELECT 1")));
        assertThat(fromStandby.exit()).isNotZero();
        assertThat(fromStandby.stderr()).contains("no pg_hba.conf entry for host \"" + db2.address() + "\"");
        // Firewall: the primary answers the app host but drops an address no flow names.
        assertThat(programs.run(app1.exec(List.of(BIN + "pg_isready", "-h", primaryAddress, "-p", port, "-t", "3"))).exit())
                .isZero();
        assertThat(programs.run(sw.exec(List.of(BIN + "pg_isready", "-h", primaryAddress, "-p", port, "-t", "3"))).exit())
                .as("pg_isready from %s: 2 means no answer", OUTSIDER).isEqualTo(2);
    }

    /** PgSql literals mean the same whatever standard_conforming_strings is. */
    private void literalsRoundTrip(DbHost host) throws Exception {
        List<String> values = List.of(APP_PASSWORD, REPLICATION_PASSWORD, "a'b", "\\", "'\\'", "x\ny", "$$ $1 ü");
        StringBuilder script = new StringBuilder();
        for (String setting : List.of("on", "off")) {
            script.append("SET standard_conforming_strings = ").append(setting).append(";\n");
            for (String value : values) {
                script.append("SELECT md5(").append(PgSql.literal(value)).append(");\n");
            }
        }
        Programs.Result result = programs.ok(psql(host, "postgres"), script.toString());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            for (String value : values) {
                expected.add(md5(value));
            }
        }
        assertThat(result.stdout().lines().toList()).isEqualTo(expected);
    }

    private NetworkNamespace namespace(String host) {
        NetworkNamespace ns = NetworkNamespace.create(programs, prefix + host);
        cleanup.push(ns::close);
        return ns;
    }

    private NetworkNamespace hostNamespace(NetworkNamespace sw, String host, String address) {
        NetworkNamespace ns = namespace(host);
        String port = "v-" + host;
        programs.ok(sw.exec(List.of("ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns.name())));
        programs.ok(sw.exec(List.of("ip", "link", "set", port, "master", "br0", "up")));
        programs.ok(ns.exec(List.of("ip", "addr", "add", address + "/24", "dev", "eth0")));
        programs.ok(ns.exec(List.of("ip", "link", "set", "eth0", "up")));
        return ns;
    }

    private DbHost dbHost(Path root, NetworkNamespace sw, String name, String address, List<RenderedFile> files) throws IOException {
        Path base = root.resolve(name);
        DbHost host = new DbHost(name, address, hostNamespace(sw, name, address),
                base.resolve("etc-postgresql"), base.resolve("var-lib-postgresql"), base.resolve("run-postgresql"));
        Path confDir = Files.createDirectories(host.etc().resolve("15/main/conf.d"));
        Files.writeString(confDir.getParent().resolve("postgresql.conf"), DEBIAN_MAIN_CONF);
        Files.writeString(confDir.getParent().resolve("pg_ident.conf"), "");
        Files.createDirectories(host.lib().resolve("15"));
        Files.createDirectories(host.run());
        programs.ok(List.of("chown", "-R", "postgres:postgres", base.toString()));
        Files.setPosixFilePermissions(host.run(), PosixFilePermissions.fromString("rwxrwxr-x"));
        int placed = 0;
        for (RenderedFile file : files) {
            if (!file.location().startsWith(name + "/")) {
                continue;
            }
            String path = file.location().substring(name.length());
            Path target;
            if (path.startsWith("/etc/postgresql/")) {
                target = host.etc().resolve(path.substring("/etc/postgresql/".length()));
            } else if (path.startsWith("/var/lib/postgresql/")) {
                target = host.lib().resolve(path.substring("/var/lib/postgresql/".length()));
            } else {
                continue;
            }
            Files.write(target, file.content());
            place(target, file);
            placed++;
        }
        assertThat(placed).as("rendered PostgreSQL files of %s", name).isEqualTo(name.equals("db1") ? 2 : 4);
        cleanup.push(() -> stop(host));
        return host;
    }

    /** Applies the rendered mode, owner and group, as the deployer would. */
    private static void place(Path target, RenderedFile file) throws IOException {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((file.mode() & (1 << bit)) != 0) {
                permissions.add(order[bit]);
            }
        }
        Files.setPosixFilePermissions(target, permissions);
        UserPrincipalLookupService lookup = target.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        view.setOwner(lookup.lookupPrincipalByName(file.owner()));
        view.setGroup(lookup.lookupPrincipalByGroupName(file.group()));
    }

    private void start(DbHost host) {
        Programs.Result result = programs.run(host.asPostgres(List.of(BIN + "pg_ctl", "-D", "/var/lib/postgresql/15/main",
                "-o", "-c config_file=/etc/postgresql/15/main/postgresql.conf", "-l", "/var/lib/postgresql/server.log",
                "-w", "-t", "60", "start")));
        assertThat(result.exit()).as("%s\nserver log:\n%s", result.describe(), log(host)).isZero();
    }

    /** Stops a server this test started: pg_ctl first, then its postmaster pid if pg_ctl failed. */
    private void stop(DbHost host) {
        Path pidFile = host.dataDir().resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Programs.Result result = programs.run(host.asPostgres(List.of(BIN + "pg_ctl", "-D", "/var/lib/postgresql/15/main",
                "-m", "fast", "-w", "-t", "30", "stop")));
        if (result.exit() != 0 && Files.exists(pidFile)) {
            try {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            } catch (IOException | NumberFormatException e) {
                throw new AssertionError("could not stop the server of " + host.name() + ": " + result.describe(), e);
            }
        }
    }

    private List<String> psql(DbHost host, String database) {
        return host.asPostgres(List.of(BIN + "psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                "-h", "/var/run/postgresql", "-p", "5432", "-d", database, "-f", "-"));
    }

    private String query(DbHost host, String query) {
        return programs.ok(psql(host, "postgres"), query + ";\n").stdout().strip();
    }

    private static String log(DbHost host) {
        try {
            Path log = host.lib().resolve("server.log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(unreadable log: " + e + ")";
        }
    }

    private static RenderedFile rendered(List<RenderedFile> files, String host, String path) {
        return files.stream().filter(f -> f.location().equals(host + path)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing rendered at " + host + path));
    }

    private static String md5(String value) throws Exception {
        byte[] digest = MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8));
        return String.format("%032x", new BigInteger(1, digest));
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new AssertionError("could not delete " + root, e);
        }
    }
}

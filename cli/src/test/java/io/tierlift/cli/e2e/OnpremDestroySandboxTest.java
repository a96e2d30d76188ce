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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code destroy onprem} on namespace hosts with a backup host: the preview and the refusals change nothing;
 * a destroy leaves no tierlift service, file or firewall table, SSH as it was, and the clusters with their
 * rows; with {@code --force-data-deletion} the final dump on this machine restores every row into a fresh
 * PostgreSQL, and the clusters and the repository are gone. No secret shows in any output or the dump's path.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnpremDestroySandboxTest {
    private static final String DB = "CANARY-dstdb-4e1a9c07b2d3";
    private static final String REPL = "CANARY-dstrepl-81f3e6a0c95b";
    private static final String BACKUP_KEY = "CANARY-dstkey-2b7d05e9fa14";
    private static final List<String> NOTES = List.of("first note before destroy", "a note with 'quotes' & ünïcode",
            "Read https://example.com/docs?page=2&sort=asc");
    private static final List<String> HOSTS = List.of("edge1", "app1", "app2", "db1", "db2", "bak1");
    /** What a deploy places or makes, which must all be gone from every host after destroy. */
    private static final List<String> TIERLIFT_PATHS = List.of("/etc/notes", "/srv/notes", "/usr/local/lib/tierlift", "/etc/tierlift",
            "/var/lib/tierlift", "/etc/nginx/tierlift", "/etc/nginx/modsecurity", "/etc/nginx/tls",
            "/var/log/notes", "/etc/systemd/system/notes-api.service", "/etc/systemd/system/tierlift-firewall.service");
    /** The edge's nginx.conf is tierlift's (the other hosts keep Debian's, which tierlift never touched). */
    private static final String EDGE_NGINX_CONF = "/etc/nginx/nginx.conf";

    private SandboxWorld world;
    private final List<String> outputs = new ArrayList<>();

    @BeforeAll
    void up() throws IOException {
        world = new SandboxWorld("sandbox-backup.yaml", 63, "tl-bredst");
        Path secrets = world.stateDir.resolve("secrets");
        Files.writeString(secrets.resolve("notes-db-password"), DB + "\n");
        Files.writeString(secrets.resolve("notes-replication-password"), REPL + "\n");
        Files.writeString(secrets.resolve("notes-backup-key"), BACKUP_KEY + "\n");
    }

    @AfterAll
    void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    @Test
    @Order(10)
    void aDeployedAppTakesNotes() throws IOException {
        Cli deploy = tierlift(world.env(), "deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        for (String note : NOTES) {
            assertThat(post(note)).as(note).isEqualTo(201);
        }
        assertThat(rows("db1")).containsExactlyElementsOf(NOTES);
    }

    @Test
    @Order(20)
    void withoutYesDestroyPrintsEveryHostAndChangesNothing() {
        Cli preview = tierlift(world.env(), "destroy", "onprem", "-f", file());
        assertThat(preview.exitCode()).as(preview.all()).isEqualTo(1);
        assertThat(preview.err()).contains("nothing was changed");
        for (String host : HOSTS) {
            assertThat(preview.out()).contains(host + " (");
        }
        assertThat(preview.out()).contains("data: kept");
        assertThat(world.curl("--resolve", "notes.sandbox.test:443:" + world.address("edge1"), "https://notes.sandbox.test/api/health").status())
                .isEqualTo(200);
    }

    @Test
    @Order(30)
    void aRunningDeploysLeaseOrAnUnreachableHostStopsDestroyBeforeAnythingChanges() throws IOException {
        ExecResult lease = world.exec("db2", "mkdir -p /var/lib/tierlift/notes && printf 'owner=deploy-elsewhere\\nsince=1\\nexpires=9999999999\\n'"
                + " > /var/lib/tierlift/notes/lease && echo held");
        assertThat(lease.stdout()).contains("held");
        Cli leased = tierlift(world.env(), "destroy", "onprem", "-f", file(), "--yes", "--force-data-deletion");
        assertThat(leased.exitCode()).as(leased.all()).isEqualTo(1);
        assertThat(leased.err()).contains("db2").contains("a deploy holds the lease").contains("destroy changed nothing");
        assertThat(world.exec("db2", "rm /var/lib/tierlift/notes/lease && echo gone").stdout()).contains("gone");

        // A sixth host that does not answer: its name, and nothing changed on the five that do.
        Path withGhost = world.appDir.resolve("with-ghost.yaml");
        Files.writeString(withGhost, Files.readString(world.descriptor).replace("      bak1:",
                "      app3:  { address: " + world.subnetPrefix + "99, zone: trusted, roles: [app] }\n      bak1:"));
        Cli unreachable = tierlift(world.env(), "destroy", "onprem", "-f", withGhost.toString(), "--yes");
        assertThat(unreachable.exitCode()).as(unreachable.all()).isEqualTo(1);
        assertThat(unreachable.err()).contains("app3").contains("nothing was changed");
        assertThat(post("a note after the refused destroys")).isEqualTo(201);
        assertThat(world.exec("app1", "test -d /srv/notes/releases && nft list table inet tierlift >/dev/null && echo intact").stdout())
                .contains("intact");
    }

    @Test
    @Order(40)
    void destroyLeavesNoServiceFileOrFirewallTableButKeepsTheClustersWithTheirRows() throws Exception {
        Cli destroy = tierlift(world.env(), "destroy", "onprem", "-f", file(), "--yes");
        assertThat(destroy.exitCode()).as(destroy.all()).isZero();
        assertThat(destroy.all()).contains("data: kept").doesNotContain(".dump");
        assertHostsCleared();
        List<String> expected = new ArrayList<>(NOTES);
        expected.add("a note after the refused destroys");
        assertThat(rows("db1")).as("the primary's rows").containsExactlyElementsOf(expected);
        assertThat(rows("db2")).as("the standby's rows (still replicating)").containsExactlyElementsOf(expected);
        assertThat(world.exec("bak1", "test -d /var/lib/pgbackrest/archive && echo kept").stdout()).as("the backup repository").contains("kept");
        // No systemd here: cron keeps backing up the data that stays.
        assertThat(world.exec("bak1", "crontab -u postgres -l").stdout()).as("postgres's crontab").contains("--type=full");
    }

    @Test
    @Order(50)
    void withForceDataDeletionTheDumpIsKeptHereAndTheClustersAndRepositoryAreGone() throws Exception {
        Path home = world.root.resolve("operator-home");
        Files.createDirectories(home);
        Cli destroy = tierlift(Map.of("HOME", home.toString()), "destroy", "onprem", "-f", file(), "--yes", "--force-data-deletion");
        assertThat(destroy.exitCode()).as(destroy.all()).isZero();
        Matcher printed = Pattern.compile("(/\\S+/\\.tierlift/dumps/notes-onprem-\\d{8}T\\d{6}Z\\.dump)").matcher(destroy.all());
        assertThat(printed.find()).as(destroy.all()).isTrue();
        Path dump = Path.of(printed.group(1));
        assertThat(dump).startsWith(home.resolve(".tierlift/dumps")).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dump))).isEqualTo("rw-------");
        assertNoCanary("the dump's path", dump.toString());
        assertHostsCleared();
        for (String host : List.of("db1", "db2")) {
            assertThat(world.exec(host, "ls /var/lib/postgresql/15 /etc/postgresql/15 2>/dev/null; ls -a /var/lib/postgresql; "
                    + "pgrep -x postgres || echo no-postgres; [ -e /etc/pgbackrest ] && echo left-pgbackrest; "
                    + "pgrep -f '[p]gbackrest server' || echo no-server").stdout()).as(host)
                    .doesNotContain("main").doesNotContain(".pgpass").doesNotContain("left-").contains("no-postgres", "no-server");
        }
        // The repository's folder is the backup host's own disk here (a bind mount): its content must be gone.
        assertThat(world.exec("bak1", "ls -A /var/lib/pgbackrest 2>/dev/null; [ -e /etc/pgbackrest ] && echo left-pgbackrest; "
                + "pgrep -f '[p]gbackrest server' || echo no-server; crontab -u postgres -l 2>/dev/null; echo done").stdout())
                .isEqualTo("no-server\ndone\n");

        try (MigrateTargetCluster fresh = new MigrateTargetCluster()) {
            fresh.createDatabase("notes");
            ProcessBuilder restore = new ProcessBuilder(MigrateTargetCluster.BIN.resolve("pg_restore").toString(), "-h", "127.0.0.1",
                    "-p", Integer.toString(fresh.port()), "-U", "postgres", "-d", "notes", "--exit-on-error", dump.toString())
                    .redirectErrorStream(true);
            restore.environment().put("PGPASSWORD", fresh.password);
            Process running = restore.start();
            String out = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(running.waitFor()).as("pg_restore: %s", out).isZero();
            List<String> restored = new ArrayList<>();
            try (Connection c = fresh.connect("notes"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT body FROM notes ORDER BY id")) {
                while (rs.next()) {
                    restored.add(rs.getString(1));
                }
            }
            List<String> expected = new ArrayList<>(NOTES);
            expected.add("a note after the refused destroys");
            assertThat(restored).as("every row, restored from the final dump").containsExactlyElementsOf(expected);
        }
    }

    @Test
    @Order(60)
    void noOutputOfDestroyHoldsASecret() {
        assertThat(outputs).hasSizeGreaterThanOrEqualTo(6);
        for (String output : outputs) {
            assertNoCanary(output.lines().findFirst().orElse(""), output);
        }
    }

    /** No tierlift process, file or firewall table on any host, and SSH gets in as before. */
    private void assertHostsCleared() throws Exception {
        for (String host : HOSTS) {
            // A folder that is a mount point here (the sandbox gives hosts their own /var/lib/tierlift) stays, empty.
            List<String> paths = new ArrayList<>(TIERLIFT_PATHS);
            if (host.equals("edge1")) {
                paths.add(EDGE_NGINX_CONF);
            }
            String left = world.exec(host, "for p in " + String.join(" ", paths) + "; do if mountpoint -q \"$p\"; then "
                    + "[ -z \"$(ls -A \"$p\")\" ] || echo \"left $p\"; elif [ -e \"$p\" ]; then echo \"left $p\"; fi; done; "
                    + "pgrep -a gunicorn; pgrep -a nginx; nft list tables; echo done").stdout();
            assertThat(left).as(host).contains("done").doesNotContain("left ", "gunicorn", "nginx", "tierlift");
            Process ssh = new ProcessBuilder("ssh", "-F", world.stateDir.resolve("ssh_config").toString(), "-o", "BatchMode=yes",
                    "-o", "ConnectTimeout=5", host, "echo", "ssh-ok").redirectErrorStream(true).start();
            String answer = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ssh.waitFor()).as("ssh %s: %s", host, answer).isZero();
            assertThat(answer).contains("ssh-ok");
        }
    }

    private List<String> rows(String host) {
        ExecResult result = world.exec(host, "runuser -u postgres -- psql -X -At -d notes -c 'SELECT body FROM notes ORDER BY id'");
        assertThat(result.exitCode()).as("%s: %s", host, result.stderr()).isZero();
        return result.stdout().lines().toList();
    }

    private int post(String note) throws IOException {
        Path body = world.root.resolve("note.json");
        Files.writeString(body, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of("body", note)),
                StandardCharsets.UTF_8);
        return world.curl("--resolve", "notes.sandbox.test:443:" + world.address("edge1"), "-H", "Content-Type: application/json",
                "--data-binary", "@" + body, "https://notes.sandbox.test/api/notes").status();
    }

    private Cli tierlift(Map<String, String> env, String... args) {
        Cli cli = Cli.run(env, args);
        outputs.add("$ tierlift " + String.join(" ", args) + "\n" + cli.all());
        assertNoCanary("output of tierlift " + String.join(" ", args), cli.all());
        return cli;
    }

    private static void assertNoCanary(String where, String text) {
        for (String canary : List.of(DB, REPL, BACKUP_KEY)) {
            assertThat(text).as("%s must not hold %s", where, canary).doesNotContain(canary)
                    .doesNotContain(canary.substring(canary.lastIndexOf('-') + 1));
        }
    }

    private String file() {
        return world.descriptor.toString();
    }
}

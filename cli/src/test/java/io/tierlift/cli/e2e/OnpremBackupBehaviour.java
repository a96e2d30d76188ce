package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups on either kind of sandbox host: the compact topology plus a backup host, deployed by the CLI;
 * rows written through the WAF reach the encrypted repository in a backup and in the WAL archive,
 * {@code backup list} shows them, {@code status} reports the backup's age and the archive, and a
 * stopped repository server is a failing status. The repository key shows up nowhere.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class OnpremBackupBehaviour {
    private static final String WAL = "[0-9A-F]{24}";
    protected SandboxWorld world;
    protected String key;
    private final List<Cli> runs = new ArrayList<>();

    /** The example app with sandbox-backup.yaml and a sandbox of this kind, up, with nothing deployed. */
    protected abstract SandboxWorld createWorld() throws IOException;

    /** Stops the backup host's pgBackRest server the way it was started on this kind of host. */
    protected abstract String stopRepositoryServer();

    /** Everything this kind of host logs besides pgBackRest's and PostgreSQL's files (the journal on machines). */
    protected String otherLogs(String host) {
        return "";
    }

    @BeforeAll
    void up() throws IOException {
        world = createWorld();
        key = "bk-" + Long.toHexString(System.nanoTime()) + "-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        Files.writeString(world.stateDir.resolve("secrets/notes-backup-key"), key + "\n");
    }

    @AfterAll
    void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    private Cli tierlift(String... args) {
        Cli run = Cli.run(world.env(), args);
        runs.add(run);
        return run;
    }

    private String file() {
        return world.descriptor.toString();
    }

    @Test
    @Order(10)
    void deploySetsUpTheRepositoryAndArchivingAndTheAppServes() {
        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).contains("pgBackRest certificate signed by the backup CA").contains("starting the pgBackRest server");
        assertThat(world.exec("db1", "runuser -u postgres -- psql -At -c 'show archive_mode'").stdout().strip()).isEqualTo("on");
        assertThat(world.exec("bak1", "grep -c '^repo1-cipher-type=aes-256-cbc$' /etc/pgbackrest/pgbackrest.conf").stdout().strip())
                .isEqualTo("1");
        SandboxWorld.CurlResult created = world.curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"body\":\"before the backup\"}", "https://" + world.address("edge1") + "/api/notes");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    @Test
    @Order(20)
    void backupNowTakesAFullBackupFromTheStandbyWithItsWalRange() {
        Cli now = tierlift("backup", "now", "onprem", "-f", file(), "--type", "full");
        assertThat(now.exitCode()).as(now.all()).isZero();
        assertThat(now.out()).containsPattern("F +full .*" + WAL + "\\.\\." + WAL);
        // The data files came from the standby (backup-standby=y): the primary only gave the start and stop points.
        assertThat(world.exec("bak1", "grep -h 'backup-standby' /var/log/pgbackrest/notes-backup.log | tail -1").stdout())
                .contains("backup-standby");
    }

    @Test
    @Order(30)
    void backupListShowsTheBackupAndAJsonArrayWithItsWalRange() throws IOException {
        Cli diff = tierlift("backup", "now", "onprem", "-f", file(), "--type", "diff");
        assertThat(diff.exitCode()).as(diff.all()).isZero();
        Cli text = tierlift("backup", "list", "onprem", "-f", file());
        assertThat(text.exitCode()).as(text.all()).isZero();
        assertThat(text.out().lines().filter(l -> l.matches(".*(F|D) +(full|diff) .*" + WAL + "\\.\\." + WAL))).hasSize(2);
        Cli json = tierlift("backup", "list", "onprem", "-f", file(), "--output", "json");
        assertThat(json.exitCode()).as(json.all()).isZero();
        JsonNode list = new ObjectMapper().readTree(json.out());
        assertThat(list).hasSize(2);
        assertThat(list.get(0).path("type").asText()).isEqualTo("full");
        assertThat(list.get(1).path("type").asText()).isEqualTo("diff");
        assertThat(list.get(0).path("wal_start").asText()).matches(WAL);
        assertThat(list.get(0).path("database_bytes").asLong()).isPositive();
        // The repository is encrypted: no file in it holds the rows' text in the clear.
        assertThat(world.exec("bak1", "grep -rl 'before the backup' /var/lib/pgbackrest | wc -l").stdout().strip()).isEqualTo("0");
    }

    @Test
    @Order(40)
    void statusReportsTheLastBackupsAgeAndWorkingArchiving() {
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).containsPattern("bak1 +backup +last backup \\S+D \\(diff\\) \\d+m ago; WAL archiving works");
    }

    @Test
    @Order(50)
    void theRepositoryKeyIsInNoOutputLogOrProcessList() {
        for (Cli run : runs) {
            assertThat(run.all()).doesNotContain(key);
        }
        for (String host : List.of("edge1", "app1", "app2", "db1", "db2", "bak1")) {
            assertThat(world.exec(host, "ps -eo args").stdout()).as("processes of %s", host).doesNotContain(key);
            assertThat(world.exec(host, "cat /var/log/pgbackrest/* /var/log/postgresql/* 2>/dev/null").stdout())
                    .as("logs of %s", host).doesNotContain(key);
            assertThat(otherLogs(host)).as("other logs of %s", host).doesNotContain(key);
        }
        assertThat(world.exec("db1", "grep -rl -- '" + key + "' /etc /var/lib/postgresql | wc -l").stdout().strip())
                .as("the key lives on the backup host only").isEqualTo("0");
    }

    @Test
    @Order(60)
    void aStoppedRepositoryServerIsAFailingStatusNamingTheArchive() {
        assertThat(world.exec("bak1", stopRepositoryServer()).exitCode()).isZero();
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.exitCode()).as(status.all()).isEqualTo(1);
        assertThat(status.out()).contains("bak1").contains("UNHEALTHY").contains("WAL archiving FAILS");
        assertThat(status.all()).doesNotContain(key);
    }
}

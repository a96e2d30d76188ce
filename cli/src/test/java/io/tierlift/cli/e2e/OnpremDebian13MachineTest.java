package io.tierlift.cli.e2e;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example on five bare Debian 13 machines (examples/notes/machines-debian13.yaml): what the
 * release ships is read from the machines, not assumed (PostgreSQL 17, Python 3.13, CRS 3.3.7),
 * the descriptor asks for it, and the app is served as on Debian 12, with Debian's psycopg2 and
 * MarkupSafe in the virtualenv since no wheels of them exist here for Python 3.13.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnpremDebian13MachineTest {
    private SandboxWorld world;
    private String edge;

    @BeforeAll
    void up() throws IOException {
        world = SandboxWorld.machines("machines-debian13.yaml", 51, "tl-bremd13", "debian13");
        edge = "https://" + world.address("edge1");
    }

    @AfterAll
    void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    private Cli tierlift(String... args) {
        return Cli.run(world.env(), args);
    }

    private String inHost(String host, String script) {
        return world.exec(host, script).stdout().strip();
    }

    /** After the first plan, which downloads the package lists a fresh machine lacks. */
    @Test
    @Order(2)
    void theMachinesOfferWhatTheDescriptorAsksFor() {
        assertThat(inHost("app1", ". /etc/os-release; echo $VERSION_CODENAME; /usr/bin/python3 -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])'"))
                .isEqualTo("trixie\n3.13");
        assertThat(inHost("db1", "LC_ALL=C apt-cache policy postgresql-17 | sed -n 's/^ *Candidate: //p'")).as("PostgreSQL 17 on offer")
                .isNotEmpty().isNotEqualTo("(none)");
        assertThat(inHost("edge1", "LC_ALL=C apt-cache policy modsecurity-crs | sed -n 's/^ *Candidate: //p'"))
                .as("the CRS release Debian 13 ships").startsWith("3.3.7");
    }

    @Test
    @Order(1)
    void versionsTheMachinesCannotRunAreRefusedByPlanWithTheFixAndNothingChanges() throws IOException {
        Path other = world.descriptor.resolveSibling("app-pg15.yaml");
        Files.writeString(other, Files.readString(world.descriptor).replace("  version: 17\n", "  version: 15\n"));
        String before = inHost("db1", "ls /etc/postgresql 2>&1; dpkg-query -W -f='${Package}\\n' 'postgresql*' 'nftables' 2>/dev/null | sort");
        Cli plan = tierlift("plan", "onprem", "-f", other.toString());
        assertThat(plan.exitCode()).as(plan.all()).isEqualTo(1);
        assertThat(plan.err()).contains("offer no postgresql-15").contains("apt.postgresql.org").contains("database.version");
        Path python311 = world.descriptor.resolveSibling("app-py311.yaml");
        Files.writeString(python311, Files.readString(world.descriptor).replace("  python: \"3.13\"\n", ""));
        Cli wrongPython = tierlift("plan", "onprem", "-f", python311.toString());
        assertThat(wrongPython.exitCode()).as(wrongPython.all()).isEqualTo(1);
        assertThat(wrongPython.err()).contains("app1").contains("runs Python 3.13 (/usr/bin/python3) but backend.python is 3.11");
        for (var host : world.hosts) {
            assertThat(inHost(host.name(), "test -e /etc/tierlift || echo untouched")).as(host.name()).isEqualTo("untouched");
        }
        assertThat(inHost("db1", "ls /etc/postgresql 2>&1; dpkg-query -W -f='${Package}\\n' 'postgresql*' 'nftables' 2>/dev/null | sort"))
                .isEqualTo(before);
    }

    @Test
    @Order(3)
    void fromBareMachinesTheDeployInstallsWhatEachRoleNeedsAndServesTheApp() throws Exception {
        Cli deploy = tierlift("deploy", "onprem", "-f", world.descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).contains("python3-psycopg2").contains("postgresql-17").contains("streaming from the primary");
        assertThat(inHost("db1", "systemctl is-active postgresql@17-main")).isEqualTo("active");
        assertThat(inHost("db2", "systemctl is-active postgresql@17-main")).isEqualTo("active");
        assertThat(inHost("edge1", "dpkg-query -W -f='${Version}' modsecurity-crs")).startsWith("3.3.7");

        assertThat(world.curl(edge + "/").body()).contains("<div id=\"root\">");
        String text = "Gr\u00fc\u00dfe aus K\u00f6ln \u2014 \u65e5\u672c\u8a9e \ud83c\udf89";
        Path body = Files.createTempFile("tl-note-", ".json");
        try {
            Files.writeString(body, new ObjectMapper().writeValueAsString(Map.of("body", text)), StandardCharsets.UTF_8);
            SandboxWorld.CurlResult created = world.curl("-X", "POST", "-H", "Content-Type: application/json; charset=utf-8",
                    "--data-binary", "@" + body, edge + "/api/notes");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            long id = new ObjectMapper().readTree(created.body()).path("id").asLong();
            assertThat(new ObjectMapper().readTree(world.curl(edge + "/api/notes/" + id).body()).path("body").asText()).isEqualTo(text);
        } finally {
            Files.deleteIfExists(body);
        }
        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            world.curl("-D", "-", edge + "/api/notes").body().lines().filter(l -> l.toLowerCase().startsWith("x-served-by:"))
                    .forEach(l -> servedBy.add(l.substring(l.indexOf(':') + 1).strip()));
        }
        assertThat(servedBy).as("round robin over both app hosts").containsExactlyInAnyOrder("app1", "app2");
        String onStandby = "";
        for (int i = 0; i < 50 && !onStandby.equals("1 UTF8"); i++) {
            onStandby = inHost("db2", "runuser -u postgres -- psql -At -d notes -c \"select count(*) || ' ' || "
                    + "pg_encoding_to_char((select encoding from pg_database where datname = 'notes')) from notes\"");
            Thread.sleep(100);
        }
        assertThat(onStandby).as("the note reaches the standby, in a UTF8 database").isEqualTo("1 UTF8");
        assertThat(world.curl(edge + "/api/notes?id=1'%20OR%20'1'='1").status()).as("SQL injection").isEqualTo(403);
        assertThat(world.curl(edge + "/api/notes?q=%3Cscript%3Ealert(1)%3C/script%3E").status()).as("XSS").isEqualTo(403);

        for (String app : List.of("app1", "app2")) {
            assertThat(inHost(app, "/srv/notes/current/venv/bin/python -c 'import psycopg2, markupsafe; "
                    + "print(psycopg2.__file__); print(markupsafe.__file__)'").lines())
                    .as("Debian's modules in the virtualenv of " + app).allMatch(l -> l.startsWith("/usr/lib/python3/dist-packages/"));
            String log = inHost(app, "journalctl --no-pager -a -o cat -u notes-api");
            assertThat(log).as("Gunicorn logs to journald under its unit").contains("Starting gunicorn");
            assertThat(log.lines().filter(l -> l.contains("[ERROR]") || l.contains("Traceback"))).as("error lines on " + app).isEmpty();
        }
    }

    @Test
    @Order(4)
    void aSecondDeployInstallsNothingAndChangesNothing() {
        Cli plan = tierlift("plan", "onprem", "-f", world.descriptor.toString(), "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        Cli deploy = tierlift("deploy", "onprem", "-f", world.descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).contains("No changes: every host already matched.").doesNotContain("installing");
    }
}

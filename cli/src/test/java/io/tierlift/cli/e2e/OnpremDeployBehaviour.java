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

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the on-prem tier does for real, on either kind of sandbox host: five hosts (WAF + proxy +
 * static, two app servers, primary, standby), deployed by the CLI over SSH from nothing, then
 * redeployed, changed, broken, interrupted, contended and failed over. Each step depends on the
 * previous one, so they run in order; orders step by ten so that a kind of host can add its own
 * checks in between.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class OnpremDeployBehaviour {
    protected SandboxWorld world;
    protected String edge;
    /** The first deploy's run, for checks a kind of host adds about it. */
    protected Cli firstDeploy;

    /** Gunicorn's log on an app host: its file where no systemd runs (the unit sends it to journald). */
    protected String appLog(String host) {
        return world.exec(host, "cat /var/log/notes/error.log").stdout();
    }

    /** The example app and a sandbox of this kind, up, with nothing deployed. */
    protected abstract SandboxWorld createWorld() throws IOException;

    @BeforeAll
    void up() throws IOException {
        world = createWorld();
        edge = "https://" + world.address("edge1");
    }

    @AfterAll
    void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    protected Cli tierlift(String... args) {
        return Cli.run(world.env(), args);
    }

    protected String file() {
        return world.descriptor.toString();
    }

    @Test
    @Order(10)
    void deployFromNothingServesTheAppThroughTheWaf() throws Exception {
        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        firstDeploy = deploy;
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).contains("streaming from the primary").contains("nginx started").contains("RECAP");

        assertThat(world.curl("http://" + world.address("edge1") + "/").status()).as("HTTP redirects to HTTPS").isEqualTo(301);
        SandboxWorld.CurlResult page = world.curl(edge + "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<div id=\"root\">");

        SandboxWorld.CurlResult created = world.curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"body\":\"written through the waf\"}", edge + "/api/notes");
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            SandboxWorld.CurlResult list = world.curl("-D", "-", edge + "/api/notes");
            assertThat(list.body()).contains("written through the waf");
            list.body().lines().filter(l -> l.toLowerCase().startsWith("x-served-by:"))
                    .forEach(l -> servedBy.add(l.substring(l.indexOf(':') + 1).strip()));
        }
        assertThat(servedBy).as("round robin over both app hosts").containsExactlyInAnyOrder("app1", "app2");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        boolean onStandby = false;
        ExecResult row = null;
        while (!onStandby && System.nanoTime() < deadline) {
            row = world.exec("db2", "runuser -u postgres -- psql -At -d notes -c \"select count(*) from notes where body = 'written through the waf'\"");
            onStandby = row.stdout().strip().equals("1");
        }
        if (!onStandby) {
            row = world.exec("db2", "runuser -u postgres -- psql -At -c 'select * from pg_stat_wal_receiver'; runuser -u postgres -- psql -At -d notes -c 'select * from notes'; nft list ruleset | head -40; tail -20 /var/log/postgresql/*.log");
        }
        assertThat(onStandby).as("the row is readable on the standby within a second: %s", row).isTrue();
        assertThat(world.exec("db2", "runuser -u postgres -- psql -At -c 'select pg_is_in_recovery()'").stdout().strip()).isEqualTo("t");

        assertThat(world.curl(edge + "/api/notes?id=1'%20OR%20'1'='1").status()).as("SQL injection").isEqualTo(403);
        assertThat(world.curl(edge + "/api/notes?q=%3Cscript%3Ealert(1)%3C/script%3E").status()).as("XSS").isEqualTo(403);
    }

    @Test
    @Order(20)
    void nonAsciiNotesRoundTripThroughTheWafTheAppAndAUtf8Database() throws Exception {
        String text = "Gr\u00fc\u00dfe aus K\u00f6ln \u2014 \u65e5\u672c\u8a9e\u306e\u30e1\u30e2 \ud83c\udf89";
        // The body travels as UTF-8 bytes from a file: no argument or shell encoding between here and nginx.
        Path body = Files.createTempFile("tl-note-", ".json");
        try {
            Files.writeString(body, new ObjectMapper().writeValueAsString(Map.of("body", text)), StandardCharsets.UTF_8);
            SandboxWorld.CurlResult created = world.curl("-X", "POST", "-H", "Content-Type: application/json; charset=utf-8",
                    "--data-binary", "@" + body, edge + "/api/notes");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            long id = new ObjectMapper().readTree(created.body()).path("id").asLong();
            SandboxWorld.CurlResult read = world.curl(edge + "/api/notes/" + id);
            assertThat(read.status()).as(read.body()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(read.body()).path("body").asText()).isEqualTo(text);
        } finally {
            Files.deleteIfExists(body);
        }
        assertThat(world.exec("db1", "runuser -u postgres -- psql -At -d notes -c "
                + "\"select pg_encoding_to_char(encoding) || ' ' || datcollate from pg_database where datname = 'notes'\"").stdout().strip())
                .isEqualTo("UTF8 C.UTF-8");
        // Compared as bytes in the database, so a mangled round trip that happens to decode back cannot pass.
        String hex = HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
        assertThat(world.exec("db1", "runuser -u postgres -- psql -At -d notes -c \"select count(*) from notes where "
                + "convert_to(body, 'UTF8') = '\\\\x" + hex + "'::bytea\"").stdout().strip()).isEqualTo("1");
        for (String app : List.of("app1", "app2")) {
            String log = appLog(app);
            assertThat(log).as("%s's Gunicorn log was read", app).contains("Starting gunicorn");
            assertThat(log.lines().filter(l -> l.contains("[ERROR]") || l.contains("Permission denied") || l.contains("Traceback")))
                    .as("error lines in %s's Gunicorn log", app).isEmpty();
        }
    }

    @Test
    @Order(20)
    void aSecondDeployChangesNothingAndRestartsNothing() {
        String before = fingerprints();
        Cli plan = tierlift("plan", "onprem", "-f", file(), "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("No changes.");
        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).contains("No changes: every host already matched.").doesNotContain("installing");
        assertThat(fingerprints()).as("file mtimes and service PIDs").isEqualTo(before);
    }

    @Test
    @Order(25)
    void planNamesAnExistingDatabaseThatIsNotUtf8AndHowToConvertIt() throws IOException {
        ExecResult created = world.exec("db1", "runuser -u postgres -- psql -q -c \"CREATE DATABASE legacy ENCODING 'SQL_ASCII' "
                + "LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0\"");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        try {
            Path legacy = world.descriptor.resolveSibling("legacy.yaml");
            Files.writeString(legacy, Files.readString(world.descriptor).replace("  name: notes\n", "  name: legacy\n"));
            Cli plan = tierlift("plan", "onprem", "-f", legacy.toString());
            assertThat(plan.exitCode()).as(plan.all()).isIn(0, 2);
            assertThat(plan.err()).contains("db1").contains("database legacy is SQL_ASCII, not UTF8")
                    .contains("CREATE DATABASE ... ENCODING 'UTF8'");
            Cli utf8 = tierlift("plan", "onprem", "-f", file());
            assertThat(utf8.err()).doesNotContain("not UTF8");
        } finally {
            world.exec("db1", "runuser -u postgres -- psql -q -c 'DROP DATABASE legacy'");
        }
    }

    @Test
    @Order(30)
    void oneChangedValueChangesOnlyWhatItAffects() throws IOException {
        String appBefore = fingerprintsOf("app1") + fingerprintsOf("app2") + fingerprintsOf("db1");
        String text = Files.readString(world.descriptor);
        Files.writeString(world.descriptor, replaceOnce(text, "    admin_networks:",
                "    edge: { rate_limit: 5000, rate_burst: 5000 }\n    admin_networks:"));
        Cli plan = tierlift("plan", "onprem", "-f", file(), "--detailed-exitcode", "--output", "json");
        assertThat(plan.exitCode()).as(plan.all()).isEqualTo(2);
        assertThat(plan.out()).contains("onprem.edge1.file:/etc/nginx/tierlift/rate-limits.conf").contains("\"UPDATE\"");
        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).contains("edge1      | updated /etc/nginx/tierlift/rate-limits.conf").contains("nginx reloaded")
                .doesNotContain("app1       | updated").doesNotContain("notes-api healthy");
        assertThat(fingerprintsOf("app1") + fingerprintsOf("app2") + fingerprintsOf("db1")).isEqualTo(appBefore);
    }

    @Test
    @Order(40)
    void aRollingAppDeployUnderLoadFailsNoRequest() throws Exception {
        Path app = world.appDir.resolve("backend/notes/app.py");
        Files.writeString(app, Files.readString(app) + "\n# release marker " + System.nanoTime() + "\n");
        Map<String, Long> outcomes;
        Cli deploy;
        try (LoadGenerator load = new LoadGenerator(edge + "/api/notes?limit=5", 4)) {
            Thread.sleep(1500);
            deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
            Thread.sleep(1500);
            load.close();
            outcomes = load.outcomes();
        }
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).contains("app1       | notes-api healthy").contains("app2       | notes-api healthy");
        assertThat(outcomes.getOrDefault("200", 0L)).as("requests served: %s", outcomes).isGreaterThan(100);
        assertThat(outcomes.keySet()).as("every request during the rolling deploy succeeded: %s", outcomes).containsOnly("200");
    }

    @Test
    @Order(50)
    void aConfigNginxRejectsIsRolledBackAndTheOldOneKeepsServing() throws IOException {
        String good = Files.readString(world.descriptor);
        Files.writeString(world.stateDir.resolve("secrets/tls.key"), "not a key\n");
        Files.writeString(world.descriptor, replaceOnce(good, "    waf:\n",
                "    tls: { certificate: /etc/ssl/no-such-certificate.crt, key: \"${file:" + world.stateDir.resolve("secrets/tls.key") + "}\" }\n"
                        + "    waf:\n"));
        try {
            String before = fingerprintsOf("edge1");
            Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
            assertThat(deploy.exitCode()).isEqualTo(1);
            assertThat(deploy.err()).contains("edge1").contains("nginx rejected the new configuration")
                    .contains("no-such-certificate.crt");
            assertThat(world.curl(edge + "/").status()).as("the old config still serves").isEqualTo(200);
            assertThat(fingerprintsOf("edge1")).as("edge1's files are the old ones").isEqualTo(before);
            assertThat(world.exec("edge1", "find /etc/nginx -name '*.tierlift-*'").stdout()).isEmpty();
        } finally {
            Files.writeString(world.descriptor, good);
        }
    }

    @Test
    @Order(60)
    void twoDeploysAtOnceTheSecondIsRefusedWithTheHolderNamed() throws Exception {
        Path app = world.appDir.resolve("backend/notes/app.py");
        Files.writeString(app, Files.readString(app) + "\n# concurrent release " + System.nanoTime() + "\n");
        java.util.concurrent.CompletableFuture<Cli> first = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> tierlift("deploy", "onprem", "-f", file(), "--yes"));
        // Wait until the first run holds the lease on a host, then start the second.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && world.exec("app1", "test -f /var/lib/tierlift/notes/lease").exitCode() != 0) {
            Thread.sleep(50);
        }
        String holder = world.exec("app1", "sed -n 's/^owner=//p' /var/lib/tierlift/notes/lease").stdout().strip();
        Cli second = tierlift("deploy", "onprem", "-f", file(), "--yes");
        Cli firstResult = first.get(300, TimeUnit.SECONDS);
        assertThat(firstResult.exitCode()).as(firstResult.all()).isZero();
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(holder).isNotEmpty();
        assertThat(second.err()).contains("another deploy holds the lease").contains(holder);
        assertThat(world.exec("app1", "test -f /var/lib/tierlift/notes/lease").exitCode())
                .as("the first run gave its leases back").isNotZero();
    }

    @Test
    @Order(70)
    void killedMidDeployThenDeployedAgainConverges() throws Exception {
        Path app = world.appDir.resolve("backend/notes/app.py");
        Files.writeString(app, Files.readString(app) + "\n# another release " + System.nanoTime() + "\n");
        String text = Files.readString(world.descriptor);
        Files.writeString(world.descriptor, replaceOnce(text, "      paranoia: 1\n", "      paranoia: 2\n"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.tierlift.cli.Main", "deploy", "onprem", "-f", file(), "--yes"));
        Process first = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(first.getInputStream()));
        String line;
        while ((line = reader.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.contains("uploading release") || line.contains("stopping notes-api")) {
                first.destroyForcibly();
                break;
            }
        }
        first.waitFor(30, TimeUnit.SECONDS);
        assertThat(seen.toString()).as("the first deploy got going before it was killed").contains("connected");
        // The killed run still holds its lease: a plain deploy is refused and says how to go on.
        Cli refused = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("another deploy holds the lease").contains("--break-lock");
        Cli again = tierlift("deploy", "onprem", "-f", file(), "--yes", "--break-lock");
        assertThat(again.exitCode()).as(again.all()).isZero();
        Cli plan = tierlift("plan", "onprem", "-f", file(), "--detailed-exitcode");
        assertThat(plan.exitCode()).as("converged:%n%s", plan.all()).isZero();
        for (var host : world.hosts) {
            assertThat(world.exec(host.name(), "find /etc /srv /var/lib/postgresql -name '*.tierlift-new' -o -name '*.tierlift-prev' -o -name '*.partial' 2>/dev/null")
                    .stdout()).as("nothing half-written on %s", host.name()).isEmpty();
        }
        assertThat(world.curl(edge + "/api/notes").status()).isEqualTo(200);
    }

    @Test
    @Order(80)
    void failoverPromotesTheStandbyAndWritesContinueWithNothingLost() throws IOException {
        for (int i = 0; i < 20; i++) {
            assertThat(world.curl("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"body\":\"before failover " + i + "\"}",
                    edge + "/api/notes").status()).isEqualTo(201);
        }
        String committedBefore = world.exec("db1", "runuser -u postgres -- psql -At -d notes -c 'select count(*) from notes'").stdout().strip();
        Cli failover = tierlift("failover", "onprem", "-f", file(), "--yes");
        assertThat(failover.exitCode()).as(failover.all()).isZero();
        assertThat(failover.out()).contains("db2 is the primary now; db1 was stopped.");
        assertThat(world.exec("db2", "runuser -u postgres -- psql -At -c 'select pg_is_in_recovery()'").stdout().strip()).isEqualTo("f");
        for (int i = 0; i < 10; i++) {
            assertThat(world.curl("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"body\":\"after failover " + i + "\"}",
                    edge + "/api/notes").status()).as("writes continue on the promoted standby").isEqualTo(201);
        }
        String before = world.exec("db2", "runuser -u postgres -- psql -At -d notes -c \"select count(*) from notes where body not like 'after failover%'\"").stdout().strip();
        assertThat(before).as("every row committed before the failover is on the new primary").isEqualTo(committedBefore);
        assertThat(world.exec("db2", "runuser -u postgres -- psql -At -d notes -c \"select count(*) from notes where body like 'after failover%'\"").stdout().strip())
                .isEqualTo("10");

        // The operator's edit the failover asks for; the next deploy rebuilds db1 as a standby of db2.
        String text = Files.readString(world.descriptor);
        Files.writeString(world.descriptor, text.replace("roles: [db-primary]", "roles: [db-TMP]")
                .replace("roles: [db-standby]", "roles: [db-primary]").replace("roles: [db-TMP]", "roles: [db-standby]"));
        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).contains("db1        | cloning from db2").contains("db1        | streaming from the primary");
        assertThat(world.exec("db1", "runuser -u postgres -- psql -At -d notes -c \"select count(*) from notes where body like 'after failover%'\"").stdout().strip())
                .as("the rebuilt standby has the rows written after the failover").isEqualTo("10");
    }

    @Test
    @Order(90)
    void statusShowsHealthAndRollbackReturnsToThePreviousRelease() {
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).contains("db2        db-primary").contains("replication: db1 streaming").contains("notes-api healthy");
        String current = world.exec("app1", "readlink /srv/notes/current").stdout().strip();
        String previous = world.exec("app1", "readlink /srv/notes/previous").stdout().strip();
        assertThat(previous).isNotEmpty().isNotEqualTo(current);
        Cli rollback = tierlift("deploy", "onprem", "-f", file(), "--rollback", "--yes");
        assertThat(rollback.exitCode()).as(rollback.all()).isZero();
        assertThat(world.exec("app1", "readlink /srv/notes/current").stdout().strip()).isEqualTo(previous);
        assertThat(world.exec("app2", "readlink /srv/notes/current").stdout().strip()).isEqualTo(previous);
        assertThat(world.curl(edge + "/api/notes").status()).isEqualTo(200);
    }

    @Test
    @Order(100)
    void aReleaseThatCannotLoadIsRefusedBeforeAnyRestart() throws IOException {
        Path app = world.appDir.resolve("backend/notes/app.py");
        String good = Files.readString(app);
        String pidBefore = world.exec("app1", "cat /run/notes/gunicorn.pid").stdout().strip();
        String releaseBefore = world.exec("app1", "readlink /srv/notes/current").stdout().strip();
        Files.writeString(app, good + "\nimport a_module_that_does_not_exist\n");
        try {
            Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
            assertThat(deploy.exitCode()).isEqualTo(1);
            assertThat(deploy.err()).contains("app1").contains("gunicorn rejected the new release")
                    .contains("No module named 'a_module_that_does_not_exist'");
            assertThat(world.exec("app1", "cat /run/notes/gunicorn.pid").stdout().strip()).as("not restarted").isEqualTo(pidBefore);
            assertThat(world.exec("app1", "readlink /srv/notes/current").stdout().strip()).isEqualTo(releaseBefore);
            assertThat(world.curl(edge + "/api/notes").status()).isEqualTo(200);
        } finally {
            Files.writeString(app, good);
        }
    }

    /** mtimes of every managed file plus the PIDs of the services, per host. */
    protected String fingerprints() {
        StringBuilder all = new StringBuilder();
        for (var host : world.hosts) {
            all.append(fingerprintsOf(host.name()));
        }
        return all.toString();
    }

    protected String fingerprintsOf(String host) {
        ExecResult result = world.exec(host, String.join("; ",
                "find /etc/nginx /etc/notes /etc/postgresql /etc/tierlift /usr/local/lib/tierlift /srv -xdev \\( -type f -o -type l \\) -printf '%p %T@\\n' 2>/dev/null | sort",
                "cat /run/nginx.pid /run/notes/gunicorn.pid 2>/dev/null",
                "head -1 /var/lib/postgresql/15/main/postmaster.pid 2>/dev/null",
                "true"));
        return "== " + host + "\n" + result.stdout();
    }

    /** The descriptor with one passage replaced; fails when the example no longer has it, so no edit is silently lost. */
    private static String replaceOnce(String text, String passage, String replacement) {
        assertThat(text).as("the descriptor has the passage to replace").contains(passage);
        return text.replaceFirst(java.util.regex.Pattern.quote(passage), java.util.regex.Matcher.quoteReplacement(replacement));
    }
}

package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code maintenance on|off onprem} on namespace hosts, through the WAF by the site's name: on, every
 * request gets the maintenance page with 503 and status says so; a deploy that re-renders and reloads
 * nginx and rolls out a new release keeps it on; off, the app answers 200 again. A second on or off
 * changes nothing and says so; usage errors exit 64 and change nothing.
 */
@Tag("sandbox")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnpremMaintenanceSandboxTest {
    private static final String DOMAIN = "notes.sandbox.test";
    private static final String FLAG = "/etc/nginx/tierlift/maintenance.on";

    private static SandboxWorld world;

    @BeforeAll
    static void up() throws IOException {
        world = new SandboxWorld("sandbox.yaml", 62, "tl-bremnt");
    }

    @AfterAll
    static void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    @Test
    @Order(1)
    void deployedTheSiteAnswers200AndStatusSaysMaintenanceIsOff() {
        ok(tierlift("deploy", "onprem", "-f", file(), "--yes"));
        assertThat(get("/").status()).isEqualTo(200);
        assertThat(get("/api/notes").status()).isEqualTo(200);
        assertThat(ok(tierlift("status", "onprem", "-f", file())).out()).contains("maintenance off");
    }

    @Test
    @Order(2)
    void maintenanceOnAnswersEveryRequestWithTheMaintenancePageAndASecondOnChangesNothing() throws IOException {
        Cli on = ok(tierlift("maintenance", "on", "onprem", "-f", file()));
        assertThat(on.out()).startsWith("Maintenance on for onprem: flag " + FLAG + " present on edge1");
        assertThat(on.err()).contains("writes stopped");
        for (String path : new String[]{"/", "/api/notes"}) {
            SandboxWorld.CurlResult page = get(path);
            assertThat(page.status()).as(path).isEqualTo(503);
            assertThat(page.body()).as(path).contains("down for maintenance");
        }
        assertThat(world.exec("edge1", "test -e " + FLAG + " && echo present").stdout()).contains("present");

        Cli again = ok(tierlift("maintenance", "on", "onprem", "-f", file()));
        assertThat(again.out()).startsWith("Maintenance is already on for onprem: nothing changed");
        assertThat(again.err()).doesNotContain("writes stopped");

        Cli status = ok(tierlift("status", "onprem", "-f", file()));
        assertThat(status.out()).contains("maintenance ON: every request gets the 503 maintenance page (flag " + FLAG + " on edge1)");
        JsonNode json = new ObjectMapper().readTree(ok(tierlift("status", "onprem", "-f", file(), "--output", "json")).out());
        assertThat(json.path("maintenance").isBoolean()).as(json.toString()).isTrue();
        assertThat(json.path("maintenance").asBoolean()).isTrue();
        assertThat(json.path("maintenanceHosts").toString()).isEqualTo("[\"edge1\"]");
        assertThat(json.path("hosts").findValuesAsText("name")).containsExactlyInAnyOrder("edge1", "app1", "app2", "db1", "db2");
    }

    @Test
    @Order(3)
    void aDeployDuringMaintenanceReloadsNginxAndRollsOutTheAppButLeavesMaintenanceOn() throws IOException {
        // A changed WAF exclusion re-renders nginx's ModSecurity config (nginx reloads); a changed app file is a new release.
        String before = Files.readString(world.descriptor);
        String changed = before.replaceFirst("(?m)^\\s+- \\{ rule: 933210, .*\\n", "");
        assertThat(changed).isNotEqualTo(before);
        Files.writeString(world.descriptor, changed);
        Path appPy = world.appDir.resolve("backend/notes/app.py");
        Files.writeString(appPy, Files.readString(appPy) + "# a release deployed during maintenance\n");

        Cli deploy = ok(tierlift("deploy", "onprem", "-f", file(), "--yes"));
        assertThat(deploy.err()).contains("edge1").contains("nginx reloaded").contains("notes-api healthy");
        SandboxWorld.CurlResult page = get("/");
        assertThat(page.status()).as("after the deploy").isEqualTo(503);
        assertThat(page.body()).contains("down for maintenance");
        assertThat(ok(tierlift("status", "onprem", "-f", file())).out()).contains("maintenance ON");
    }

    @Test
    @Order(4)
    void maintenanceOffServesTheAppAgainAndASecondOffChangesNothing() throws IOException {
        Cli off = ok(tierlift("maintenance", "off", "onprem", "-f", file()));
        assertThat(off.out()).startsWith("Maintenance off for onprem: flag " + FLAG + " absent on edge1");
        assertThat(get("/").status()).isEqualTo(200);
        assertThat(get("/api/notes").status()).isEqualTo(200);
        assertThat(ok(tierlift("maintenance", "off", "onprem", "-f", file())).out())
                .startsWith("Maintenance is already off for onprem: nothing changed");
        assertThat(ok(tierlift("status", "onprem", "-f", file())).out()).contains("maintenance off");
        JsonNode json = new ObjectMapper().readTree(ok(tierlift("status", "onprem", "-f", file(), "--output", "json")).out());
        assertThat(json.path("maintenance").isBoolean()).as(json.toString()).isTrue();
        assertThat(json.path("maintenance").asBoolean()).isFalse();
        assertThat(json.path("healthy").asBoolean()).isTrue();
    }

    @Test
    @Order(5)
    void usageErrorsExit64AndChangeNothing() {
        for (String[] args : new String[][]{{"maintenance", "onprem", "-f", file()}, {"maintenance", "sideways", "onprem", "-f", file()},
                {"maintenance", "on", "-f", file()}, {"maintenance", "on", "onprem", "-f", file(), "--profile", "prod"}}) {
            Cli refused = tierlift(args);
            assertThat(refused.exitCode()).as(String.join(" ", args) + "\n" + refused.all()).isEqualTo(64);
        }
        assertThat(world.exec("edge1", "test -e " + FLAG + " && echo present || echo absent").stdout().strip()).isEqualTo("absent");
        assertThat(get("/").status()).isEqualTo(200);
    }

    /** A GET through the WAF on edge1 by the site's name, from this machine (the bridge). */
    private static SandboxWorld.CurlResult get(String path) {
        return world.curl("--resolve", DOMAIN + ":443:" + world.address("edge1"), "https://" + DOMAIN + path);
    }

    private static Cli ok(Cli run) {
        assertThat(run.exitCode()).as(run.all()).isZero();
        return run;
    }

    private static Cli tierlift(String... args) {
        return Cli.run(world.env(), args);
    }

    private static String file() {
        return world.descriptor.toString();
    }
}

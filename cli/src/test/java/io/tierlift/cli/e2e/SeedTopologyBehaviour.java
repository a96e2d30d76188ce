package io.tierlift.cli.e2e;

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
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every role on its own host (8 hosts, a backup host among them), on either kind of sandbox host: the deploy works through
 * WAF → proxy → static/app, the host firewalls let through exactly the flows the topology needs
 * (tried from inside the hosts), and SSH host keys are checked as strictly as OpenSSH does.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SeedTopologyBehaviour {
    protected SandboxWorld world;
    /** The deploy's run, for checks a kind of host adds about it. */
    protected Cli deploy;

    /** The example app and a sandbox of this kind for seed-topology.yaml, up, with nothing deployed. */
    protected abstract SandboxWorld createWorld() throws IOException;

    @BeforeAll
    void up() throws IOException {
        world = createWorld();
    }

    @AfterAll
    void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    protected boolean reachable(String from, String to, int port) {
        return world.exec(from, "timeout 2 bash -c '</dev/tcp/" + world.address(to) + "/" + port + "' 2>/dev/null").exitCode() == 0;
    }

    @Test
    @Order(10)
    void everyRoleOnItsOwnHostDeploysAndServesThroughTheWaf() {
        deploy = Cli.run(world.env(), "deploy", "onprem", "-f", world.descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).as("the seed topology keeps backups").contains("starting the pgBackRest server");
        String edge = "https://" + world.address("waf");
        assertThat(world.curl(edge + "/").body()).contains("<div id=\"root\">");
        assertThat(world.curl("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"body\":\"seed\"}", edge + "/api/notes").status())
                .isEqualTo(201);
        assertThat(world.curl(edge + "/api/notes?id=1'%20OR%20'1'='1").status()).isEqualTo(403);
        assertThat(world.curl(edge + "/api/notes?q=%3Cscript%3Ealert(1)%3C/script%3E").status()).as("XSS").isEqualTo(403);
    }

    @Test
    @Order(20)
    void hostFirewallsAllowOnlyTheTopologysFlows() {
        assertThat(reachable("waf", "app1", 8000)).as("waf → app1:8000 is blocked").isFalse();
        assertThat(reachable("app1", "db1", 5432)).as("app1 → db1:5432 is allowed").isTrue();
        assertThat(reachable("proxy", "db1", 5432)).as("proxy → db1:5432 is blocked").isFalse();
        assertThat(reachable("proxy", "app1", 8000)).as("proxy → app1:8000 is allowed").isTrue();
        assertThat(reachable("waf", "proxy", 80)).as("waf → proxy:80 is allowed").isTrue();
        assertThat(reachable("static", "db2", 5432)).as("static → db2:5432 is blocked").isFalse();
        assertThat(reachable("db2", "bak1", 8432)).as("db2 → bak1:8432 (pgBackRest) is allowed").isTrue();
        assertThat(reachable("app1", "bak1", 8432)).as("app1 → bak1:8432 is blocked").isFalse();
    }

    @Test
    @Order(30)
    void anUnknownHostKeyIsRefused() throws IOException {
        Path knownHosts = world.stateDir.resolve("known_hosts");
        String address = world.address("app2");
        List<String> without = Files.readAllLines(knownHosts).stream()
                .filter(line -> !line.startsWith("app2 ") && !line.startsWith(address + " ") && !line.startsWith("app2,")
                        && !line.startsWith(address + ","))
                .collect(Collectors.toList());
        Path partial = world.root.resolve("known_hosts.partial");
        Files.write(partial, without);
        Path descriptor = world.appDir.resolve("unknown-key.yaml");
        Files.writeString(descriptor, Files.readString(world.descriptor).replace(knownHosts.toString(), partial.toString()));
        Cli plan = Cli.run(world.env(), "plan", "onprem", "-f", descriptor.toString());
        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.err()).contains("app2").contains("SHA256:").contains("--accept-new-host-keys");
    }

    @Test
    @Order(40)
    void aChangedHostKeyIsRefusedEvenWithAcceptNew() throws Exception {
        Path knownHosts = world.stateDir.resolve("known_hosts");
        String address = world.address("app2");
        Path otherKey = world.root.resolve("other_key");
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey.toString()).inheritIO().start().waitFor();
        String otherPublic = Files.readString(world.root.resolve("other_key.pub")).strip().split(" ", 3)[0] + " "
                + Files.readString(world.root.resolve("other_key.pub")).strip().split(" ", 3)[1];
        List<String> changed = Files.readAllLines(knownHosts).stream()
                .map(line -> line.startsWith("app2 ") || line.startsWith(address + " ") ? line.split(" ")[0] + " " + otherPublic : line)
                .collect(Collectors.toList());
        Path forged = world.root.resolve("known_hosts.changed");
        Files.write(forged, changed);
        Path descriptor = world.appDir.resolve("changed-key.yaml");
        Files.writeString(descriptor, Files.readString(world.descriptor).replace(knownHosts.toString(), forged.toString()));
        Cli plan = Cli.run(world.env(), "plan", "onprem", "-f", descriptor.toString(), "--accept-new-host-keys");
        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.err()).contains("app2").containsIgnoringCase("changed");
    }
}

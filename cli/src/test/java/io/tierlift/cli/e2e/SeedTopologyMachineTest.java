package io.tierlift.cli.e2e;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SeedTopologyBehaviour} on seven bare Debian 12 machines reached as the sudo user deploy:
 * each role gets exactly the packages it needs, and every unit it runs is up under systemd.
 */
class SeedTopologyMachineTest extends SeedTopologyBehaviour {
    @Override
    protected SandboxWorld createWorld() throws IOException {
        return SandboxWorld.machines("seed-topology.yaml", 49, "tl-bresm", "debian12");
    }

    private String installed(String host, String... packages) {
        return world.exec(host, "for p in " + String.join(" ", packages) + "; do "
                + "[ \"$(dpkg-query -W -f='${db:Status-Abbrev}' $p 2>/dev/null)\" = 'ii ' ] && echo $p; done; true").stdout().strip();
    }

    @Test
    @Order(11)
    void eachRoleGotExactlyThePackagesItNeedsAndItsUnitsRun() {
        String[] watched = {"nginx", "libnginx-mod-http-modsecurity", "modsecurity-crs", "python3-venv", "postgresql-15", "pgbackrest", "nftables"};
        Map<String, String> expected = Map.of(
                "waf", "nginx libnginx-mod-http-modsecurity modsecurity-crs nftables",
                "proxy", "nginx nftables",
                "static", "nginx nftables",
                "app1", "python3-venv nftables",
                "app2", "python3-venv nftables",
                "db1", "postgresql-15 pgbackrest nftables",
                "db2", "postgresql-15 pgbackrest nftables",
                "bak1", "pgbackrest nftables");
        for (var host : world.hosts) {
            assertThat(installed(host.name(), watched).replace('\n', ' ')).as("packages on " + host.name())
                    .isEqualTo(expected.get(host.name()));
            assertThat(world.exec(host.name(), "systemctl is-enabled tierlift-firewall; systemctl --failed --plain --no-legend")
                    .stdout().strip()).as("firewall unit enabled, no failed unit on " + host.name()).isEqualTo("enabled");
        }
        for (String host : List.of("waf", "proxy", "static")) {
            assertThat(world.exec(host, "systemctl is-active nginx").stdout().strip()).isEqualTo("active");
        }
        for (String host : List.of("app1", "app2")) {
            assertThat(world.exec(host, "systemctl is-active notes-api").stdout().strip()).isEqualTo("active");
        }
        for (String host : List.of("db1", "db2")) {
            assertThat(world.exec(host, "systemctl is-active postgresql@15-main").stdout().strip()).isEqualTo("active");
        }
        assertThat(world.exec("bak1", "systemctl is-active pgbackrest tierlift-backup-full.timer tierlift-backup-diff.timer").stdout())
                .isEqualTo("active\nactive\nactive\n");
        assertThat(deploy.err()).contains("streaming from the primary");
    }
}

package io.tierlift.cli.e2e;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OnpremBackupBehaviour} on booted Debian 12 machines: pgbackrest installed from the
 * sandbox's package cache, Debian's pgbackrest.service enabled, and the backup timers scheduled.
 */
class OnpremBackupMachineTest extends OnpremBackupBehaviour {
    @Override
    protected SandboxWorld createWorld() throws IOException {
        return SandboxWorld.machines("sandbox-backup.yaml", 54, "tl-brebakm", "debian12");
    }

    @Override
    protected String stopRepositoryServer() {
        return "systemctl stop pgbackrest";
    }

    @Override
    protected String startRepositoryServer() {
        return "systemctl start pgbackrest";
    }

    @Override
    protected String repositoryServerFix() {
        return "start it on bak1: systemctl start pgbackrest";
    }

    @Override
    protected String otherLogs(String host) {
        return world.exec(host, "journalctl --no-pager -q").stdout();
    }

    @Test
    @Order(15)
    void theServersAreEnabledUnitsAndTheBackupsAreScheduled() {
        for (String host : new String[]{"db1", "db2", "bak1"}) {
            assertThat(world.exec(host, "systemctl is-enabled pgbackrest; systemctl is-active pgbackrest").stdout())
                    .as(host).isEqualTo("enabled\nactive\n");
        }
        assertThat(world.exec("bak1", "systemctl is-active tierlift-backup-full.timer tierlift-backup-diff.timer").stdout())
                .isEqualTo("active\nactive\n");
        assertThat(world.exec("bak1", "systemctl show -p TimersCalendar --value tierlift-backup-diff.timer").stdout())
                .contains("Mon..Sat *-*-* 01:00:00");
    }
}

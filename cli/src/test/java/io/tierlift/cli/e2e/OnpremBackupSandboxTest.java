package io.tierlift.cli.e2e;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link OnpremBackupBehaviour} on namespace hosts (no systemd: the pgBackRest server runs from a pid file). */
class OnpremBackupSandboxTest extends OnpremBackupBehaviour {
    @Override
    protected SandboxWorld createWorld() throws IOException {
        return new SandboxWorld("sandbox-backup.yaml", 53, "tl-brebak");
    }

    @Override
    protected String stopRepositoryServer() {
        return "kill $(cat /run/tierlift-pgbackrest.pid)";
    }

    @Override
    protected String startRepositoryServer() {
        return String.join("\n", "cd /",
                "setsid sh -c 'echo $$ > /run/tierlift-pgbackrest.pid; exec setpriv --reuid=postgres --regid=postgres --init-groups "
                        + "/usr/bin/pgbackrest server' </dev/null >/dev/null 2>&1 &",
                "i=0; until runuser -u postgres -- pgbackrest server-ping --io-timeout=1 --tls-server-address=" + world.address("bak1")
                        + " >/dev/null 2>&1; do i=$((i+1)); [ $i -ge 50 ] && exit 1; sleep 0.2; done");
    }

    @Override
    protected String repositoryServerFix() {
        return "run `tierlift deploy onprem`: it starts the pgBackRest server on bak1";
    }

    /**
     * Without systemd, cron runs the schedules: the descriptor's events as postgres's crontab, and a
     * differential backup every minute shows up in the repository without anyone asking for it.
     */
    @Test
    @Order(190)
    void withoutSystemdCronRunsTheScheduledBackups() throws Exception {
        String crontab = world.exec("bak1", "crontab -u postgres -l").stdout();
        assertThat(crontab).contains("0 1 * * 0 cd / && /usr/bin/pgbackrest --stanza=notes --type=full")
                .contains("0 1 * * 1-6 cd / && /usr/bin/pgbackrest --stanza=notes --type=diff");
        assertThat(world.exec("bak1", "pgrep -x cron").exitCode()).as("cron runs on bak1").isZero();

        String original = Files.readString(world.descriptor);
        Files.writeString(world.descriptor, original.replace("    key: \"${file:", "    differential: \"*-*-* *:*\"\n    key: \"${file:"));
        try {
            Cli deploy = tierlift("deploy", "onprem", "-f", world.descriptor.toString(), "--yes");
            assertThat(deploy.exitCode()).as(deploy.all()).isZero();
            assertThat(world.exec("bak1", "crontab -u postgres -l").stdout()).contains("* * * * * cd / && /usr/bin/pgbackrest --stanza=notes --type=diff");
            long before = diffBackups();
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (diffBackups() == before && System.nanoTime() < deadline) {
                Thread.sleep(5_000);
            }
            assertThat(diffBackups()).as("a differential backup started by cron within 150 s").isGreaterThan(before);
        } finally {
            Files.writeString(world.descriptor, original);
            Cli back = tierlift("deploy", "onprem", "-f", world.descriptor.toString(), "--yes");
            assertThat(back.exitCode()).as(back.all()).isZero();
        }
        assertThat(world.exec("bak1", "crontab -u postgres -l").stdout()).doesNotContain("* * * * *");
    }

    private long diffBackups() {
        Cli list = tierlift("backup", "list", "onprem", "-f", world.descriptor.toString());
        assertThat(list.exitCode()).as(list.all()).isZero();
        return list.out().lines().filter(l -> l.matches(".*D +diff .*")).count();
    }

    @Test
    @Order(191)
    void aScheduleCronCannotExpressIsRefusedBeforeAnythingChangesOnAHostWithoutSystemd() throws Exception {
        String original = Files.readString(world.descriptor);
        String crontab = world.exec("bak1", "crontab -u postgres -l").stdout();
        Files.writeString(world.descriptor, original.replace("    key: \"${file:", "    full: \"*-*-01 03:00:00\"\n    key: \"${file:"));
        try {
            Cli deploy = tierlift("deploy", "onprem", "-f", world.descriptor.toString(), "--yes");
            assertThat(deploy.exitCode()).isNotZero();
            assertThat(deploy.err()).contains("database.backup.full '*-*-01 03:00:00'").contains("bak1 runs no systemd")
                    .contains("Nothing was changed");
            assertThat(world.exec("bak1", "crontab -u postgres -l").stdout()).isEqualTo(crontab);
        } finally {
            Files.writeString(world.descriptor, original);
        }
    }
}

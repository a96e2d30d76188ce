package io.tierlift.cli.e2e;

import java.io.IOException;

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
}

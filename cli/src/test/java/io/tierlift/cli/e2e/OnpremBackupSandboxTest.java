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
}

package io.tierlift.cli.e2e;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SecretCanaryBehaviour} on Debian machines reached as the sudo user deploy. Every remote
 * command goes through sudo, which logs each command line, and every service logs to journald:
 * neither may hold a secret, so secrets travel on standard input only.
 */
class SecretCanaryMachineTest extends SecretCanaryBehaviour {
    @Override
    protected SandboxWorld createWorld() throws IOException {
        return SandboxWorld.machines("sandbox.yaml", 50, "tl-brcanm", "debian12");
    }

    @Test
    @Order(70)
    void journaldAndSudosLinesOnEveryMachineHoldNoSecret() {
        for (var host : world.hosts) {
            String sudo = world.exec(host.name(), "journalctl --no-pager -a -o cat -t sudo").stdout();
            // sudo logs every command it runs: seeing the deploy's own commands makes an empty match mean something.
            assertThat(sudo).as("sudo's journal on %s", host.name()).contains("USER=root").contains("COMMAND=");
            assertNoCanary("sudo's lines in the journal of " + host.name(), sudo);
            String journal = world.exec(host.name(), "journalctl --no-pager -a -o cat; echo end-of-journal").stdout();
            assertThat(journal).contains("end-of-journal");
            assertNoCanary("the journal of " + host.name(), journal);
        }
    }
}

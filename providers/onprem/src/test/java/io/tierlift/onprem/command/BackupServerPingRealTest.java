package io.tierlift.onprem.command;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deploy asks each pgBackRest host whether its server already runs before starting it. With
 * the real pgbackrest and nothing listening, that question is answered (no) within seconds; left
 * at pgBackRest's own timeout it would hold a first deploy up for a minute per host.
 */
@Tag("real")
class BackupServerPingRealTest {
    @Test
    void askingAHostWhoseServerIsNotStartedAnswersNoWithinSeconds() throws Exception {
        assertThat(Path.of("/usr/bin/pgbackrest")).as("pgbackrest must be installed (bin/setup-machine)").exists();
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort(); // closed again: nothing listens there
        }
        List<String> argv = new ArrayList<>(new BackupCommands(false, "notes").serverPing("127.0.0.1").argv());
        argv.add("--tls-server-port=" + port);
        Process ping = new ProcessBuilder(argv).redirectErrorStream(true).start();
        boolean ended = ping.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            ping.destroyForcibly();
        }
        assertThat(ended).as("server-ping gave up within 30 s").isTrue();
        String output = new String(ping.getInputStream().readAllBytes());
        assertThat(ping.exitValue()).as(output).isNotZero();
        assertThat(output).as("it failed for the refused connection, not for another reason").containsIgnoringCase("connect");
    }
}

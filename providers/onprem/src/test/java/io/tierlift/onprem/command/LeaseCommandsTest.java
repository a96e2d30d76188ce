package io.tierlift.onprem.command;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the lease and the probe become one command; running it is LeaseProbeTest (deploy). */
class LeaseCommandsTest {
    private final LeaseCommands leases = new LeaseCommands();

    @Test
    void bothScriptsTravelUnchangedWithTheirParametersAfterThem() {
        RemoteCommand lease = RemoteCommand.script("echo lease \"$1\" \"$2\"", "notes", "alice@laptop");
        RemoteCommand probe = RemoteCommand.script("echo probe \"$@\"", "/etc/notes/app.conf");

        RemoteCommand command = leases.thenProbe(lease, probe, "notes", "/srv/notes");

        List<String> argv = command.argv();
        assertThat(argv.subList(0, 2)).containsExactly("sh", "-c");
        assertThat(argv.subList(3, argv.size())).containsExactly("tierlift",
                "echo lease \"$1\" \"$2\"", "2", "echo probe \"$@\"", "notes", "/srv/notes",
                "notes", "alice@laptop",
                "/etc/notes/app.conf");
    }

    @Test
    void theFixedScriptPrintsTheMarkersTheDeployReads() {
        String script = leases.thenProbe(RemoteCommand.script("true"), RemoteCommand.script("true"), "notes", "/srv/notes").argv().get(2);

        assertThat(script).contains("echo '" + LeaseCommands.LEASED + "'").contains("echo '" + LeaseCommands.BOOTSTRAPPED + "'")
                .doesNotContain("notes").doesNotContain("/srv/notes");
        assertThat(script.indexOf(LeaseCommands.LEASED)).as("the lease comes first").isLessThan(script.indexOf("exec sh -c \"$probe\""));
    }

    @Test
    void onlyScriptCommandsCanBeJoined() {
        assertThatThrownBy(() -> leases.thenProbe(RemoteCommand.of("true"), RemoteCommand.script("true"), "notes", "/srv/notes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a script command");
    }
}

package io.tierlift.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The sandbox command's choices of host kind, refused before anything is loaded or created. */
class SandboxCommandTest {

    @Test
    void aReleaseWithoutMachinesIsABadCommandLine(@TempDir Path stateDir) {
        CliRun run = CliRun.of("sandbox", "up", "--os", "debian13", "--state-dir", stateDir.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--os chooses the release of --machines");
        assertThat(stateDir).isEmptyDirectory();
    }

    @Test
    void anUnknownReleaseIsRefusedNamingTheSupportedOnes(@TempDir Path stateDir) {
        CliRun run = CliRun.of("sandbox", "up", "--machines", "--os", "ubuntu24", "--state-dir", stateDir.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("unknown machine OS 'ubuntu24'").contains("debian12, debian13");
        assertThat(stateDir).isEmptyDirectory();
    }

    @Test
    void statusOfNoSandboxSaysSo(@TempDir Path stateDir) {
        CliRun run = CliRun.of("sandbox", "status", "--state-dir", stateDir.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("sandbox: not up");
    }
}

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

    @Test
    void restartNeedsAMachineNameAndOtherActionsTakeNone(@TempDir Path stateDir) {
        CliRun bare = CliRun.of("sandbox", "restart", "--state-dir", stateDir.toString());
        assertThat(bare.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bare.err()).contains("sandbox restart needs the machine's name");

        CliRun extra = CliRun.of("sandbox", "down", "app1", "--state-dir", stateDir.toString());
        assertThat(extra.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(extra.err()).contains("sandbox down takes no host name");
        assertThat(stateDir).isEmptyDirectory();
    }

    @Test
    void restartWithoutASandboxSaysSoAndFails(@TempDir Path stateDir) {
        CliRun run = CliRun.of("sandbox", "restart", "app1", "--state-dir", stateDir.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains("no sandbox is up in");
    }
}

package io.tierlift.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preflight against a fake machine: no root and no real commands needed. */
class SandboxPreflightTest {

    /** Pretends to be a machine where everything is installed except {@code missing}, running as {@code uid}. */
    static final class FakeMachine implements MachineCommandRunner {
        final Set<String> missing;
        final String uid;
        final List<List<String>> commandsRun = new ArrayList<>();

        FakeMachine(String uid, String... missing) {
            this.uid = uid;
            this.missing = Set.of(missing);
        }

        @Override
        public ExecResult run(List<String> argv, Duration timeout) {
            commandsRun.add(argv);
            if (argv.equals(List.of("id", "-u"))) {
                return new ExecResult(0, uid + "\n", "", false);
            }
            return new ExecResult(0, "", "", false);
        }

        @Override
        public long spawn(List<String> argv, Path log) {
            commandsRun.add(argv);
            throw new AssertionError("preflight must fail before anything is started");
        }

        @Override
        public Optional<Path> findExecutable(String command) {
            String name = Path.of(command).getFileName().toString();
            return missing.contains(name) ? Optional.empty() : Optional.of(Path.of("/usr/bin", name));
        }

        @Override
        public CommandResult run(List<String> argv, Path workDir, Map<String, String> environment,
                                 Consumer<String> output) {
            throw new AssertionError("the sandbox runs no streamed commands");
        }
    }

    private static SandboxSpec spec() {
        return new SandboxSpec("tl-brt", "10.232.0.0/24", "10.232.0.1",
                List.of(new SandboxHost("a", "10.232.0.11")));
    }

    @Test
    void missingSshdIsNamedWithItsPackageAndTheInstallCommand(@TempDir Path stateDir) {
        FakeMachine machine = new FakeMachine("0", "sshd");
        Sandbox sandbox = new Sandbox(stateDir, machine);

        assertThatThrownBy(() -> sandbox.up(spec(), ProgressListener.silent()))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("sshd")
                .hasMessageContaining("openssh-server")
                .hasMessageContaining("apt-get install -y openssh-server");
        // Nothing was created: only the root check ran.
        assertThat(machine.commandsRun).containsExactly(List.of("id", "-u"));
        assertThat(stateDir).isEmptyDirectory();
    }

    @Test
    void severalMissingCommandsAreInstalledWithOneAptGetCommand() {
        FakeMachine machine = new FakeMachine("0", "ip", "nsenter", "unshare");

        assertThatThrownBy(() -> new SandboxPreflight(machine).check())
                .hasMessageContaining("ip (ip, package iproute2)")
                .hasMessageContaining("nsenter")
                .hasMessageContaining("unshare")
                .hasMessageContaining("apt-get install -y iproute2 util-linux");
    }

    @Test
    void notRootIsRefused() {
        FakeMachine machine = new FakeMachine("1000");

        assertThatThrownBy(() -> new SandboxPreflight(machine).check())
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("must run as root")
                .hasMessageContaining("1000");
    }

    @Test
    void missingServicePackagesOnlyWarn() {
        FakeMachine machine = new FakeMachine("0", "nginx", "gunicorn");

        List<String> warnings = new SandboxPreflight(machine).check();

        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("nginx").contains("apt-get install -y nginx");
        assertThat(warnings.get(1)).contains("gunicorn").contains("apt-get install -y gunicorn");
    }

    @Test
    void progressReportsWarningsBeforeAnythingElse(@TempDir Path stateDir) {
        // Warn-only packages missing, and a required one too: the warnings are not even reached.
        FakeMachine machine = new FakeMachine("0", "setsid", "nft");
        List<String> progress = new ArrayList<>();

        assertThatThrownBy(() -> new Sandbox(stateDir, machine).up(spec(), progress::add))
                .hasMessageContaining("setsid").hasMessageContaining("util-linux");
        assertThat(progress).isEmpty();
    }
}

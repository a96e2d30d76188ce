package io.tierlift.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine commands of {@link ProcessCommandRunner}, which the sandbox builds its hosts with. */
class MachineCommandsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ProcessCommandRunner machine = new ProcessCommandRunner();

    @Test
    void outputsAreKeptApart() {
        ExecResult result = machine.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), TIMEOUT);

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.ok()).isFalse();
        assertThat(result.describe()).isEqualTo("exit code 3: err");
    }

    @Test
    void everyCommandGetsTheSameSmallEnvironment() {
        ExecResult result = machine.run(List.of("env"), TIMEOUT);

        assertThat(result.stdout().lines().map(line -> line.substring(0, line.indexOf('='))).sorted())
                .containsExactly("HOME", "LANG", "PATH");
        assertThat(result.stdout()).contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
    }

    @Test
    void aMissingProgramExitsWith127LikeInAShell() {
        ExecResult result = machine.run(List.of("tierlift-no-such-program"), TIMEOUT);

        assertThat(result.exitCode()).isEqualTo(127);
        assertThat(result.stderr()).isEqualTo("tierlift-no-such-program: command not found");
        assertThat(machine.findExecutable("tierlift-no-such-program")).isEmpty();
        assertThat(machine.findExecutable("sh")).hasValueSatisfying(p -> assertThat(p).isAbsolute());
    }

    @Test
    void aCommandPastItsTimeoutIsKilledAndSaysSo() {
        long started = System.nanoTime();
        ExecResult result = machine.run(List.of("sleep", "30"), Duration.ofMillis(200));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.ok()).isFalse();
        assertThat(result.describe()).startsWith("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void spawnedProgramsAppendToTheirLog(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("daemon.log");
        Files.writeString(log, "earlier\n");

        long pid = machine.spawn(List.of("sh", "-c", "echo started; echo problem >&2"), log);

        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        assertThat(Files.readString(log)).isEqualTo("earlier\nstarted\nproblem\n");
        assertThatThrownBy(() -> machine.spawn(List.of("tierlift-no-such-program"), log))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("tierlift-no-such-program: command not found");
    }
}

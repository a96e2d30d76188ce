package io.tierlift.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import io.tierlift.release.ProcessCommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox after things went wrong: dead hosts, failed bring-up, half-removed leftovers. Needs root. */
@Tag("sandbox")
class SandboxRecoveryTest {

    private static final SandboxSpec SPEC = TestSpecs.spec("brr", 234, "x", "y");

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ProcessCommandRunner machine = new ProcessCommandRunner();

    @TempDir
    Path stateDir;

    private Sandbox sandbox;

    @BeforeEach
    void requireRoot() {
        assertThat(machine.run(List.of("id", "-u"), TIMEOUT).stdout().strip()).as("the sandbox needs root (network namespaces, veths, a bridge); CI runs as root").isEqualTo("0");
        sandbox = new Sandbox(stateDir, machine);
    }

    @AfterEach
    void tearDown() {
        sandbox.down(ProgressListener.silent());
    }

    @Test
    void upRecreatesASandboxWhoseHostDied() {
        SandboxState first = sandbox.up(SPEC, ProgressListener.silent());
        long deadInit = first.host("x").pid1();
        ProcessHandle.of(deadInit).orElseThrow().destroyForcibly(); // a host we started, by its PID
        waitUntilGone(deadInit);
        assertThat(sandbox.status().allUp()).isFalse();
        assertThat(sandbox.status().hosts()).filteredOn(h -> h.name().equals("x")).allMatch(h -> !h.running());

        List<String> progress = new ArrayList<>();
        SandboxState second = sandbox.up(SPEC, progress::add);

        assertThat(progress).contains("sandbox is only partly up; recreating it");
        assertThat(sandbox.status().allUp()).isTrue();
        assertThat(second.host("x").pid1()).isNotEqualTo(deadInit);
        assertThat(ProcessHandle.of(first.host("y").pid1()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aHostThatFailsToStartIsNamedWithItsLogAndNothingIsLeftBehind() {
        // sshd exits at once when it has no host key: remove it just before host y starts.
        MachineCommandRunner brokenHostKey = new MachineCommandRunner() {
            @Override
            public ExecResult run(List<String> argv, Duration timeout) {
                return machine.run(argv, timeout);
            }

            @Override
            public long spawn(List<String> argv, Path log) {
                if (argv.contains("y")) {
                    Path fs = Path.of(argv.get(argv.indexOf("y") - 1));
                    try {
                        Files.delete(fs.resolve("etc/ssh/ssh_host_ed25519_key"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return machine.spawn(argv, log);
            }

            @Override
            public Optional<Path> findExecutable(String command) {
                return machine.findExecutable(command);
            }

            @Override
            public CommandResult run(List<String> argv, Path workDir, Map<String, String> environment,
                                     Consumer<String> output) {
                return machine.run(argv, workDir, environment, output);
            }
        };
        Sandbox broken = new Sandbox(stateDir, brokenHostKey);

        assertThatThrownBy(() -> broken.up(SPEC, ProgressListener.silent()))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("host y (" + SPEC.host("y").address() + ") failed to start")
                .hasMessageContaining("sshd.log")
                .hasMessageContaining("no hostkeys available");

        assertNothingLeft();
    }

    @Test
    void downCleansUpWhateverAPartialBringUpLeft() {
        sandbox.up(SPEC, ProgressListener.silent());
        // Someone (or a crash) already removed part of it.
        assertThat(machine.run(List.of("ip", "netns", "del", SPEC.netnsName("x")), TIMEOUT).ok()).isTrue();
        assertThat(machine.run(List.of("ip", "link", "del", SPEC.bridge()), TIMEOUT).ok()).isTrue();

        sandbox.down(ProgressListener.silent());

        assertNothingLeft();
    }

    @Test
    void downAfterACrashBeforeAnyHostStarted() throws IOException {
        // What a crash right after creating the bridge and one namespace leaves: a state file without PIDs.
        String x = SPEC.host("x").address();
        String y = SPEC.host("y").address();
        Files.writeString(stateDir.resolve("state.json"), """
                {"version":1,
                 "spec":{"bridge":"%s","cidr":"%s","gateway":"%s",
                         "hosts":[{"name":"x","address":"%s"},{"name":"y","address":"%s"}]},
                 "hosts":[{"name":"x","address":"%s","netns":"%s","veth":"%s",
                           "unsharePid":0,"unshareStartTicks":0,"pid1":0,"pid1StartTicks":0}]}
                """.formatted(SPEC.bridge(), SPEC.cidr(), SPEC.gateway(), x, y, x, SPEC.netnsName("x"),
                SPEC.vethName("x")));
        assertThat(machine.run(List.of("ip", "link", "add", SPEC.bridge(), "type", "bridge"), TIMEOUT).ok()).isTrue();
        assertThat(machine.run(List.of("ip", "netns", "add", SPEC.netnsName("x")), TIMEOUT).ok()).isTrue();
        Files.createDirectories(stateDir.resolve("hosts/x/fs"));

        sandbox.down(ProgressListener.silent());

        assertNothingLeft();
        sandbox.down(ProgressListener.silent());
    }

    private void assertNothingLeft() {
        assertThat(machine.run(List.of("ip", "netns", "list"), TIMEOUT).stdout()).doesNotContain(SPEC.bridge() + "-");
        assertThat(machine.run(List.of("ip", "-o", "link", "show"), TIMEOUT).stdout())
                .doesNotContain(SPEC.bridge() + ":").doesNotContain(SPEC.vethName("x")).doesNotContain(SPEC.vethName("y"));
        assertThat(stateDir.resolve("hosts")).doesNotExist();
        assertThat(stateDir.resolve("state.json")).doesNotExist();
        assertThat(sandbox.status().recorded()).isFalse();
    }

    private static void waitUntilGone(long pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }
}

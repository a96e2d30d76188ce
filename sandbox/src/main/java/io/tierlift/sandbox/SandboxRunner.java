package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The machine as the sandbox uses it: every call goes to the given runner, and a command the machine cannot run at all
 * surfaces as a {@link SandboxException}, the one failure the sandbox's callers (the CLI) report.
 */
final class SandboxRunner implements MachineCommandRunner {

    private final MachineCommandRunner machine;

    SandboxRunner(MachineCommandRunner machine) {
        this.machine = machine;
    }

    @Override
    public ExecResult run(List<String> argv, Duration timeout) {
        try {
            return machine.run(argv, timeout);
        } catch (UncheckedIOException e) {
            throw new SandboxException(e.getMessage(), e);
        }
    }

    @Override
    public long spawn(List<String> argv, Path log) {
        try {
            return machine.spawn(argv, log);
        } catch (UncheckedIOException e) {
            throw new SandboxException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<Path> findExecutable(String command) {
        return machine.findExecutable(command);
    }

    @Override
    public CommandResult run(List<String> argv, Path workDir, Map<String, String> environment, Consumer<String> output) {
        return machine.run(argv, workDir, environment, output);
    }
}

package io.tierlift.release;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@link CommandRunner} that can also set up the operator's machine itself (the local sandbox's namespaces, devices
 * and daemons): run a command to completion with stdout and stderr kept apart, start a daemon that outlives this JVM,
 * and tell whether a program is installed. An interface so tests can replace the machine (e.g. pretend a package is
 * missing) without root. Commands are always argv lists, never shell strings.
 *
 * <p>Unlike {@link #run(List, Path, java.util.Map, java.util.function.Consumer)}, these methods give every command the
 * same small, fixed environment rather than the caller's: whatever they start must behave the same on every machine.
 */
public interface MachineCommandRunner extends CommandRunner {

    /**
     * Runs {@code argv} to completion (or until {@code timeout}, then kills it) and returns its exit code and output.
     * A program that is not installed gives exit code 127, as in a shell.
     *
     * @throws UncheckedIOException when the machine cannot run it at all (or this thread is interrupted)
     */
    ExecResult run(List<String> argv, Duration timeout);

    /**
     * Starts {@code argv} in the background, detached from this JVM's lifetime, with stdin from /dev/null and
     * stdout+stderr appended to {@code log}. Returns its PID.
     *
     * @throws UncheckedIOException when it cannot be started, including when the program is not installed
     */
    long spawn(List<String> argv, Path log);

    /** Where {@code command} would be found (an absolute path is checked as is), or empty when it is not installed. */
    Optional<Path> findExecutable(String command);
}

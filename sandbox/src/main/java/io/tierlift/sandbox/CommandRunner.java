package io.tierlift.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs machine-side commands for the sandbox. An interface so tests can replace the machine (e.g. pretend a
 * package is missing) without root. Commands are always argv lists, never shell strings.
 */
public interface CommandRunner {

    /** Runs {@code argv} to completion (or until {@code timeout}, then kills it) and returns its exit code and output. */
    ExecResult run(List<String> argv, Duration timeout);

    /**
     * Starts {@code argv} in the background, detached from this JVM's lifetime, with stdin from /dev/null and
     * stdout+stderr appended to {@code log}. Returns its PID.
     */
    long spawn(List<String> argv, Path log);

    /** Where {@code command} would be found (an absolute path is checked as is), or empty when it is not installed. */
    Optional<Path> findExecutable(String command);
}

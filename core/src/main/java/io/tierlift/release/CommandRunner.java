package io.tierlift.release;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a program on the operator's machine (pip, the frontend build). An interface so tests can
 * replace it and nothing in the release code starts processes by itself.
 */
public interface CommandRunner {
    /**
     * Runs {@code argv} in {@code workDir} with {@code environment} added to the inherited one.
     * Every line the program writes (stdout and stderr together, in order) goes to {@code output}.
     *
     * @throws ReleaseException when the program cannot be started or runs out of time
     */
    CommandResult run(List<String> argv, Path workDir, Map<String, String> environment, Consumer<String> output);

    /** How the program ended, and the last lines it wrote (for error messages). */
    record CommandResult(int exitCode, List<String> lastLines) {
        public CommandResult {
            lastLines = List.copyOf(lastLines);
        }

        public boolean ok() {
            return exitCode == 0;
        }

        public String tail() {
            return String.join("\n", lastLines);
        }
    }
}

package io.tierlift.release;

import io.tierlift.provider.Progress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pip run on the operator's machine (the on-prem wheelhouse, the Lambda package): its output
 * shown as progress, and when it fails, the requirement pip found no wheel for, which is what the
 * operator has to change.
 */
public final class PipRun {
    private static final Pattern NO_MATCH = Pattern.compile("No matching distribution found for (\\S+)");
    private static final Pattern NO_VERSION = Pattern.compile("Could not find a version that satisfies the requirement (\\S+)");

    /** Why pip failed: the requirement without a wheel when pip named one, and what pip said. */
    public record Failure(Optional<String> missingWheel, String said, int exitCode) {
    }

    /** Turns a failure into the message for this use of pip. */
    @FunctionalInterface
    public interface Explanation {
        ReleaseException explain(Failure failure);
    }

    private final CommandRunner runner;
    private final Progress progress;
    private final String step;

    /** {@code step} labels pip's lines in the progress output. */
    public PipRun(CommandRunner runner, Progress progress, String step) {
        this.runner = runner;
        this.progress = progress;
        this.step = step;
    }

    public void run(List<String> argv, Path workDir, Map<String, String> environment, Explanation explanation) {
        List<String> errors = new ArrayList<>();
        CommandRunner.CommandResult result = runner.run(argv, workDir, environment, line -> {
            if (line.startsWith("ERROR:")) {
                errors.add(line);
            }
            progress.step(step, line);
        });
        if (!result.ok()) {
            throw explanation.explain(failure(result, errors));
        }
    }

    static Failure failure(CommandRunner.CommandResult result, List<String> errors) {
        String text = String.join("\n", errors);
        String said = errors.isEmpty() ? result.tail() : text;
        Matcher missing = NO_MATCH.matcher(text);
        Matcher noVersion = NO_VERSION.matcher(text);
        Optional<String> requirement = missing.find() ? Optional.of(missing.group(1))
                : noVersion.find() ? Optional.of(noVersion.group(1)) : Optional.empty();
        return new Failure(requirement, said, result.exitCode());
    }
}

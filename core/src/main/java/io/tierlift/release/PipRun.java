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

    // pip names the indexes it searched when they are not only PyPI's default.
    private static final Pattern LOOKING_IN = Pattern.compile("^Looking in (indexes|links): (.+)$");
    private static final String DEFAULT_INDEX = "https://pypi.org/simple (pip's default)";

    /**
     * Why pip failed: the requirement without a wheel when pip named one, what pip said, and where
     * it looked (its index and link folders as it printed them, PyPI when it printed none).
     */
    public record Failure(Optional<String> missingWheel, String said, int exitCode, String searched) {
        public Failure(Optional<String> missingWheel, String said, int exitCode) {
            this(missingWheel, said, exitCode, DEFAULT_INDEX);
        }
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
        List<String> searched = new ArrayList<>();
        CommandRunner.CommandResult result = runner.run(argv, workDir, environment, line -> {
            if (line.startsWith("ERROR:")) {
                errors.add(line);
            }
            Matcher looking = LOOKING_IN.matcher(line.strip());
            if (looking.matches()) {
                searched.add(looking.group(1) + " " + looking.group(2));
            }
            progress.step(step, line);
        });
        if (!result.ok()) {
            throw explanation.explain(failure(result, errors, searched));
        }
    }

    static Failure failure(CommandRunner.CommandResult result, List<String> errors) {
        return failure(result, errors, List.of());
    }

    static Failure failure(CommandRunner.CommandResult result, List<String> errors, List<String> searched) {
        String text = String.join("\n", errors);
        String said = errors.isEmpty() ? result.tail() : text;
        Matcher missing = NO_MATCH.matcher(text);
        Matcher noVersion = NO_VERSION.matcher(text);
        Optional<String> requirement = missing.find() ? Optional.of(missing.group(1))
                : noVersion.find() ? Optional.of(noVersion.group(1)) : Optional.empty();
        return new Failure(requirement, said, result.exitCode(),
                searched.isEmpty() ? DEFAULT_INDEX : String.join("; ", searched));
    }
}

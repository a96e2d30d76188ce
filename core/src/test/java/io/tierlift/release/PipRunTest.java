package io.tierlift.release;

import io.tierlift.provider.Progress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipRunTest {
    private static CommandRunner saying(int exitCode, String... lines) {
        return (argv, dir, env, output) -> {
            List.of(lines).forEach(output);
            return new CommandRunner.CommandResult(exitCode, List.of(lines));
        };
    }

    @Test
    void aMissingWheelIsNamedWithPipsErrorLines() {
        AtomicReference<PipRun.Failure> seen = new AtomicReference<>();
        PipRun pip = new PipRun(saying(1, "Collecting flask", "ERROR: Could not find a version that satisfies the requirement psycopg2==9.9",
                "ERROR: No matching distribution found for psycopg2==9.9"), Progress.silent(), "wheelhouse");
        assertThatThrownBy(() -> pip.run(List.of("pip"), Path.of("."), Map.of(), failure -> {
            seen.set(failure);
            return new ReleaseException("explained");
        })).hasMessage("explained");
        assertThat(seen.get().missingWheel()).contains("psycopg2==9.9");
        assertThat(seen.get().said()).doesNotContain("Collecting").contains("No matching distribution");
        assertThat(seen.get().exitCode()).isEqualTo(1);
    }

    @Test
    void anotherFailureKeepsTheLastLinesAndNamesNoRequirement() {
        AtomicReference<PipRun.Failure> seen = new AtomicReference<>();
        PipRun pip = new PipRun(saying(2, "Traceback (most recent call last):", "OSError: disk full"), Progress.silent(), "lambda");
        assertThatThrownBy(() -> pip.run(List.of("pip"), Path.of("."), Map.of(), failure -> {
            seen.set(failure);
            return new ReleaseException("explained");
        })).isInstanceOf(ReleaseException.class);
        assertThat(seen.get().missingWheel()).isEmpty();
        assertThat(seen.get().said()).contains("OSError: disk full");
    }

    @Test
    void everyLineReachesTheProgressUnderItsStepAndSuccessThrowsNothing() {
        List<String> shown = new ArrayList<>();
        Progress progress = (step, message) -> shown.add(step + ": " + message);
        new PipRun(saying(0, "Saved ./flask-3.0.0-py3-none-any.whl"), progress, "wheelhouse")
                .run(List.of("pip"), Path.of("."), Map.of(), failure -> new ReleaseException("unexpected"));
        assertThat(shown).containsExactly("wheelhouse: Saved ./flask-3.0.0-py3-none-any.whl");
    }
}

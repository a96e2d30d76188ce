package io.tierlift.cli.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tierlift in a JVM of its own, killed with SIGKILL as soon as it prints a line the test chose:
 * the crash a {@code --resume} must recover from. In-process runs can't be killed this way.
 */
final class KilledRun {
    private KilledRun() {
    }

    /** Everything the run printed up to and including the line it was killed at; fails if no line matched. */
    static String until(Map<String, String> env, Predicate<String> killAt, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.tierlift.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        StringBuilder seen = new StringBuilder();
        Process run = builder.start();
        boolean killed = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                seen.append(line).append('\n');
                if (killAt.test(line)) {
                    run.destroyForcibly();
                    killed = true;
                    break;
                }
            }
        } finally {
            run.destroyForcibly();
            run.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(killed).as("the run reached the point to kill it at:%n%s", seen).isTrue();
        return seen.toString();
    }
}

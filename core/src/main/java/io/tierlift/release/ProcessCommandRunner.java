package io.tierlift.release;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** {@link CommandRunner} with {@link ProcessBuilder}: stderr merged into stdout, a time limit, a tail kept. */
public final class ProcessCommandRunner implements CommandRunner {
    private final Duration timeout;
    private final int tailLines;

    public ProcessCommandRunner(Duration timeout, int tailLines) {
        this.timeout = timeout;
        this.tailLines = tailLines;
    }

    public ProcessCommandRunner() {
        this(Duration.ofMinutes(30), 30);
    }

    @Override
    public CommandResult run(List<String> argv, Path workDir, Map<String, String> environment, Consumer<String> output) {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ReleaseException("cannot run '" + argv.get(0) + "' in " + workDir + ": " + e.getMessage());
        }
        Deque<String> tail = new ArrayDeque<>();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > tailLines) {
                            tail.removeFirst();
                        }
                    }
                    output.accept(line);
                }
            } catch (IOException e) {
                // The stream closes when the process is killed; the exit code says what happened.
            }
        });
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // Only the process this runner started (and its descendants) are ended.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new ReleaseException("'" + String.join(" ", argv) + "' did not finish within " + timeout.toMinutes()
                        + " min and was stopped");
            }
            reader.join();
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ReleaseException("interrupted while running '" + argv.get(0) + "'");
        }
        synchronized (tail) {
            return new CommandResult(process.exitValue(), new ArrayList<>(tail));
        }
    }
}

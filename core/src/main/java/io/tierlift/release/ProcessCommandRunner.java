package io.tierlift.release;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs programs on the operator's machine with {@link ProcessBuilder}.
 *
 * <p>{@link #run(List, Path, Map, Consumer)} (pip, the frontend build): stderr merged into stdout, a time limit, a tail
 * kept, the caller's environment plus the given variables.
 *
 * <p>The {@link MachineCommandRunner} methods (the sandbox) give every command the same small, fixed environment.
 * Whatever runs inside a sandbox host inherits it (services started through {@code nsenter}), so the caller's shell
 * setup (pyenv shims on PATH, JAVA_TOOL_OPTIONS, an ssh agent) must not leak in and make hosts behave differently
 * from machine to machine.
 */
public final class ProcessCommandRunner implements MachineCommandRunner {

    /** sbin directories are included because the JVM may have been started with a user's PATH that lacks them. */
    private static final List<String> SYSTEM_PATH =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private static final File DEV_NULL = new File("/dev/null");

    private final Duration timeout;
    private final int tailLines;
    /** Where the machine commands' programs are looked up: the system directories, then the JVM's PATH. */
    private final List<Path> searchPath;

    /**
     * @param timeout   limit of each {@link #run(List, Path, Map, Consumer)} (machine commands carry their own)
     * @param tailLines how many of its last lines a {@link CommandResult} keeps
     */
    public ProcessCommandRunner(Duration timeout, int tailLines) {
        this.timeout = timeout;
        this.tailLines = tailLines;
        this.searchPath = searchPath(System.getenv("PATH"));
    }

    public ProcessCommandRunner() {
        this(Duration.ofMinutes(30), 30);
    }

    private static List<Path> searchPath(String inherited) {
        Set<String> dirs = new LinkedHashSet<>(SYSTEM_PATH);
        if (inherited != null) {
            for (String dir : inherited.split(":")) {
                if (!dir.isBlank()) {
                    dirs.add(dir);
                }
            }
        }
        List<Path> paths = new ArrayList<>();
        dirs.forEach(d -> paths.add(Path.of(d)));
        return List.copyOf(paths);
    }

    @Override
    public CommandResult run(List<String> argv, Path workDir, Map<String, String> environment, Consumer<String> output) {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
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

    @Override
    public Optional<Path> findExecutable(String command) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir : searchPath) {
            Path p = dir.resolve(command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public ExecResult run(List<String> argv, Duration limit) {
        Optional<List<String>> resolved = resolve(argv);
        if (resolved.isEmpty()) {
            return new ExecResult(127, "", argv.get(0) + ": command not found", false);
        }
        // Output goes to files rather than pipes: a command that starts a daemon (e.g. "service nginx start")
        // may leave the daemon holding our stdout, and a pipe reader would then wait forever.
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("tierlift-cmd-", ".out");
            err = Files.createTempFile("tierlift-cmd-", ".err");
            ProcessBuilder pb = new ProcessBuilder(resolved.get())
                    .redirectInput(DEV_NULL)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            setMachineEnvironment(pb.environment());
            Process process = pb.start();
            boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                // Only this command's own process tree is killed, by PID.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            return new ExecResult(finished ? process.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                    !finished);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException("interrupted while running " + String.join(" ", argv),
                    new InterruptedIOException());
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    @Override
    public long spawn(List<String> argv, Path log) {
        List<String> command = resolve(argv).orElseThrow(() -> new UncheckedIOException(
                argv.get(0) + ": command not found", new NoSuchFileException(argv.get(0))));
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(DEV_NULL)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true);
            setMachineEnvironment(pb.environment());
            return pb.start().pid();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
    }

    /** Replaces argv[0] by its absolute path so the lookup uses our search path, not the JVM's PATH. */
    private Optional<List<String>> resolve(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        return findExecutable(argv.get(0)).map(exe -> {
            List<String> copy = new ArrayList<>(argv);
            copy.set(0, exe.toString());
            return copy;
        });
    }

    private static void setMachineEnvironment(Map<String, String> env) {
        env.clear();
        env.put("PATH", String.join(":", SYSTEM_PATH));
        env.put("HOME", System.getProperty("user.home", "/root"));
        env.put("LANG", "C.UTF-8");
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}

package io.tierlift.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link CommandRunner}: starts processes with {@link ProcessBuilder}.
 *
 * <p>Every command gets the same small, fixed environment. Whatever runs inside a sandbox host inherits it (services
 * started through {@code nsenter}), so the caller's shell setup (pyenv shims on PATH, JAVA_TOOL_OPTIONS, an ssh agent)
 * must not leak in and make hosts behave differently from machine to machine.
 */
public final class ProcessCommandRunner implements CommandRunner {

    /** sbin directories are included because the JVM may have been started with a user's PATH that lacks them. */
    private static final List<String> SYSTEM_PATH =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private static final File DEV_NULL = new File("/dev/null");

    private final List<Path> searchPath;

    public ProcessCommandRunner() {
        Set<String> dirs = new LinkedHashSet<>(SYSTEM_PATH);
        String inherited = System.getenv("PATH");
        if (inherited != null) {
            for (String dir : inherited.split(":")) {
                if (!dir.isBlank()) {
                    dirs.add(dir);
                }
            }
        }
        List<Path> paths = new ArrayList<>();
        dirs.forEach(d -> paths.add(Path.of(d)));
        this.searchPath = List.copyOf(paths);
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
    public ExecResult run(List<String> argv, Duration timeout) {
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
            setEnvironment(pb.environment());
            Process process = pb.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
            throw new SandboxException("could not run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while running " + String.join(" ", argv), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    @Override
    public long spawn(List<String> argv, Path log) {
        List<String> command = resolve(argv)
                .orElseThrow(() -> new SandboxException(argv.get(0) + ": command not found"));
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(DEV_NULL)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true);
            setEnvironment(pb.environment());
            return pb.start().pid();
        } catch (IOException e) {
            throw new SandboxException("could not start " + String.join(" ", argv) + ": " + e.getMessage(), e);
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

    private static void setEnvironment(Map<String, String> env) {
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

package io.tierlift.render.onprem.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace made for one test, with the host's addresses on its loopback, in which
 * nginx runs in a private mount namespace that sees the rendered tree as /etc/nginx and /srv.
 * Nothing outside the namespaces is touched; closing it stops what it started (by PID) and
 * deletes the namespace.
 */
final class EdgeSandbox implements AutoCloseable {
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(20);

    private final Processes processes;
    private final String netns;
    private final List<Process> started = new ArrayList<>();

    EdgeSandbox(Processes processes, Collection<String> addresses) {
        this.processes = processes;
        this.netns = "tle-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        processes.check(List.of("ip", "netns", "add", netns), SETUP_TIMEOUT);
        try {
            processes.check(List.of("ip", "-n", netns, "link", "set", "lo", "up"), SETUP_TIMEOUT);
            for (String address : addresses) {
                processes.check(List.of("ip", "-n", netns, "addr", "add", address + "/32", "dev", "lo"), SETUP_TIMEOUT);
            }
        } catch (RuntimeException | AssertionError e) {
            processes.run(List.of("ip", "netns", "del", netns), SETUP_TIMEOUT);
            throw e;
        }
    }

    /** A command run inside the network namespace. */
    List<String> inNetns(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(command);
        return full;
    }

    /**
     * A command run in the network namespace and a private mount namespace in which the host tree
     * is mounted where nginx expects it; /run, /var/lib/nginx and /var/cache are empty tmpfs,
     * /var/log/nginx is {@code logDir}.
     */
    List<String> withHostMounts(HostTree tree, Path logDir, List<String> command) {
        Path root = tree.root();
        List<String> script = new ArrayList<>();
        script.add("set -e");
        script.add("mount --bind " + quoted(root.resolve("etc/nginx")) + " /etc/nginx");
        script.add("mount --bind " + quoted(root.resolve("srv")) + " /srv");
        if (Files.isDirectory(root.resolve("etc/ssl"))) {
            // A named certificate lives outside /etc/nginx; only the tree's own /etc/ssl is seen.
            script.add("mount --bind " + quoted(root.resolve("etc/ssl")) + " /etc/ssl");
        }
        script.add("mount -t tmpfs tmpfs /run");
        script.add("mount --bind " + quoted(logDir) + " /var/log/nginx");
        script.add("mount -t tmpfs tmpfs /var/lib/nginx");
        script.add("mount -t tmpfs tmpfs /var/cache");
        script.add("mkdir -p " + EdgeTopology.MODSECURITY_DATA_DIR);
        script.add("chown " + EdgeTopology.NGINX_USER + " " + EdgeTopology.MODSECURITY_DATA_DIR);
        script.add("exec \"$@\"");
        List<String> full = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                "sh", "-c", String.join("\n", script), "sh"));
        full.addAll(command);
        return inNetns(full);
    }

    Processes.Result run(List<String> command, Duration timeout) {
        return processes.run(command, timeout);
    }

    /** Starts a long-running program; its output goes to {@code output}. Stopped on close. */
    Process start(List<String> command, Path output) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            started.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    /** Stops one started program by its PID: SIGTERM, then SIGKILL if it lingers. */
    void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            stop(started.get(i));
        }
        processes.run(List.of("ip", "netns", "del", netns), SETUP_TIMEOUT);
    }

    private static String quoted(Path path) {
        String text = path.toString();
        if (text.contains("'")) {
            throw new IllegalArgumentException("unexpected quote in temporary path " + text);
        }
        return "'" + text + "'";
    }
}

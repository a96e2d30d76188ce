package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import io.tierlift.sandbox.StateFile.HostRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Starts and stops the processes of a host: an {@code unshare} process that holds the host's mount, UTS, IPC and PID
 * namespaces, and below it the host's init (its sshd, PID 1 inside the host). Processes are only ever signalled when
 * /proc proves they are still the ones recorded.
 */
final class HostProcesses {

    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SSHD_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int SSH_PORT = 22;

    private final MachineCommandRunner runner;
    private final ProcFs procFs;
    private final Path hostsDir;

    /** @param hostsDir the directory of the hosts' own directories ({@code hosts/NAME}) */
    HostProcesses(MachineCommandRunner runner, ProcFs procFs, Path hostsDir) {
        this.runner = runner;
        this.procFs = procFs;
        this.hostsDir = hostsDir;
    }

    /**
     * Starts the host whose files and network namespace are ready, recording each PID as soon as it is known, and
     * returns once its sshd accepts connections.
     */
    void start(SandboxSpec spec, SandboxHost host, RuntimeRecorder recorder) {
        Path hostDir = hostsDir.resolve(host.name());
        List<String> argv = new ArrayList<>(List.of(
                // Own session: the hosts must outlive this JVM and ignore Ctrl-C in the terminal that ran `up`.
                "setsid",
                "ip", "netns", "exec", spec.netnsName(host.name()),
                "unshare", "--mount", "--uts", "--ipc", "--pid", "--fork", "--kill-child", "--mount-proc",
                "--propagation", "private", "--",
                "/bin/sh", hostDir.resolve("init.sh").toString(), hostDir.resolve("fs").toString(), host.name()));
        argv.addAll(HostFilesystem.bindPaths());
        Path log = hostDir.resolve("sshd.log");
        long unsharePid = runner.spawn(argv, log);
        recorder.update(recorder.get(host.name())
                .withUnshare(unsharePid, procFs.startTicks(unsharePid).orElse(0)));

        long pid1 = waitForInit(host, unsharePid, log);
        OptionalLong pid1Ticks = procFs.startTicks(pid1);
        recorder.update(recorder.get(host.name()).withPid1(pid1, pid1Ticks.orElse(0)));

        waitForSsh(host, pid1, pid1Ticks.orElse(0), log);
    }

    /** The host's init is the child of the unshare process that is PID 1 of a new PID namespace. */
    private long waitForInit(SandboxHost host, long unsharePid, Path log) {
        long deadline = System.nanoTime() + INIT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (long child : procFs.children(unsharePid)) {
                if (procFs.isNamespaceInit(child)) {
                    return child;
                }
            }
            if (procFs.startTicks(unsharePid).isEmpty()) {
                throw hostFailure(host, "its namespaces could not be created", log);
            }
            Threads.sleep(20);
        }
        throw hostFailure(host, "its init did not start within " + INIT_TIMEOUT.toSeconds() + " s", log);
    }

    private void waitForSsh(SandboxHost host, long pid1, long pid1Ticks, Path log) {
        long deadline = System.nanoTime() + SSHD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!procFs.isSameProcess(pid1, pid1Ticks)) {
                throw hostFailure(host, "its sshd exited before accepting connections", log);
            }
            if (acceptsSsh(host.address(), 200)) {
                return;
            }
            Threads.sleep(50);
        }
        throw hostFailure(host, "its sshd did not accept connections on " + host.address() + ":" + SSH_PORT
                + " within " + SSHD_TIMEOUT.toSeconds() + " s", log);
    }

    private static SandboxException hostFailure(SandboxHost host, String what, Path log) {
        return new SandboxException("host " + host.name() + " (" + host.address() + ") failed to start: " + what
                + "; last lines of " + log + ":\n" + tail(log, 20));
    }

    /** The host's init is the very process recorded (same PID and start time) and alive. */
    boolean isRunning(HostRuntime h) {
        return h.pid1() > 0 && procFs.isSameProcess(h.pid1(), h.pid1StartTicks());
    }

    /**
     * Stops the host's services gently, then its init; the kernel then ends every other process of the host. A host
     * that does not stop is killed. Returns false when nothing of the host was running.
     */
    boolean stop(HostRuntime h) {
        boolean initAlive = isRunning(h);
        boolean unshareAlive = h.unsharePid() > 0 && procFs.isSameProcess(h.unsharePid(), h.unshareStartTicks());
        if (!initAlive && !unshareAlive) {
            return false;
        }
        if (initAlive) {
            stopServices(h);
            // SIGTERM to the host's init (sshd); the kernel then ends every other process of the host. (The unshare
            // process would ignore SIGTERM while it waits for its child.)
            signal(h.pid1(), h.pid1StartTicks(), false);
        } else {
            // The init was never identified: SIGKILL the unshare process; --kill-child takes the host down with it.
            signal(h.unsharePid(), h.unshareStartTicks(), true);
        }
        if (!waitGone(h, STOP_TIMEOUT)) {
            signal(h.pid1(), h.pid1StartTicks(), true);
            signal(h.unsharePid(), h.unshareStartTicks(), true);
            if (!waitGone(h, Duration.ofSeconds(3))) {
                throw new SandboxException("host " + h.name() + " did not stop (PIDs " + h.pid1() + ", "
                        + h.unsharePid() + ")");
            }
        }
        return true;
    }

    /**
     * Best effort: lets the services shut down cleanly rather than die with the host (nginx finishes requests,
     * PostgreSQL writes a shutdown checkpoint). Failures are ignored; the host is killed anyway right after.
     */
    private void stopServices(HostRuntime h) {
        try {
            Path hostRoot = procFs.rootOf(h.pid1());
            if (Files.exists(hostRoot.resolve("run/nginx.pid"))) {
                exec(h, List.of("nginx", "-s", "quit"), Duration.ofSeconds(10));
            }
            if (hasPostgresClusters(h)) {
                ExecResult clusters = exec(h, List.of("pg_lsclusters", "--no-header"), Duration.ofSeconds(10));
                for (String line : clusters.stdout().split("\n")) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 4 && f[3].startsWith("online")) {
                        exec(h, List.of("pg_ctlcluster", f[0], f[1], "stop", "-m", "fast"), Duration.ofSeconds(30));
                    }
                }
            }
            // Daemonized gunicorn masters are re-parented to the host's init. SIGTERM is their graceful stop.
            List<Long> gunicorns = new ArrayList<>();
            for (long child : procFs.children(h.pid1())) {
                if (procFs.commandLine(child).contains("gunicorn")) {
                    ProcessHandle.of(child).ifPresent(ProcessHandle::destroy);
                    gunicorns.add(child);
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (!gunicorns.isEmpty() && System.nanoTime() < deadline) {
                gunicorns.removeIf(pid -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
                Threads.sleep(50);
            }
        } catch (RuntimeException e) {
            // best effort only
        }
    }

    private boolean hasPostgresClusters(HostRuntime h) {
        Path etcPostgresql = hostsDir.resolve(h.name()).resolve("fs/etc/postgresql");
        if (!Files.isDirectory(etcPostgresql)) {
            return false;
        }
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(etcPostgresql, Files::isDirectory)) {
            for (Path version : versions) {
                try (DirectoryStream<Path> clusters = Files.newDirectoryStream(version, Files::isDirectory)) {
                    if (clusters.iterator().hasNext()) {
                        return true;
                    }
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Signals {@code pid} only if it is still the very process we recorded (same start time). */
    private void signal(long pid, long startTicks, boolean kill) {
        if (pid > 0 && procFs.isSameProcess(pid, startTicks)) {
            ProcessHandle.of(pid).ifPresent(p -> {
                if (kill) {
                    p.destroyForcibly();
                } else {
                    p.destroy();
                }
            });
        }
    }

    private boolean waitGone(HostRuntime h, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean gone = !procFs.isSameProcess(h.pid1(), h.pid1StartTicks())
                    && !procFs.isSameProcess(h.unsharePid(), h.unshareStartTicks());
            if (gone || System.nanoTime() >= deadline) {
                return gone;
            }
            Threads.sleep(20);
        }
    }

    /** Runs {@code argv} inside the host from the machine side: all of the host's namespaces, as root, no SSH. */
    ExecResult exec(HostRuntime h, List<String> argv, Duration timeout) {
        List<String> command = new ArrayList<>(List.of("nsenter", "-t", Long.toString(h.pid1()),
                "-m", "-u", "-i", "-p", "-n", "--wd=/", "--"));
        command.addAll(argv);
        return runner.run(command, timeout);
    }

    /** Whether something accepts TCP connections on {@code address}'s SSH port. */
    static boolean acceptsSsh(String address, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(address), SSH_PORT), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}

package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import io.tierlift.sandbox.StateFile.HostRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;

/**
 * Boots, checks and stops machines: a Debian root booted by {@code systemd-nspawn} with systemd as PID 1, joined to
 * the host's network namespace. Processes are only signalled when /proc proves they are still the ones recorded.
 *
 * <p>Why nspawn and not QEMU: a booted root is a real server for everything tierlift does (systemd, journald, sudo,
 * apt, nftables in its own network namespace) while sharing the kernel costs no memory and boots in about a second on
 * two cores.
 */
final class NspawnMachines {

    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);
    /** systemd stops a bare server in well under a second; services deployed later may need longer. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);

    private final MachineCommandRunner runner;
    private final ProcFs procFs;

    NspawnMachines(MachineCommandRunner runner, ProcFs procFs) {
        this.runner = runner;
        this.procFs = procFs;
    }

    /**
     * The nspawn command line. {@code --register=no --keep-unit} because this machine may run no systemd (nspawn
     * would otherwise ask its system bus to register the machine and fail); {@code CAP_NET_ADMIN} because joining a
     * namespace of our own, unlike {@code --private-network}, does not grant it and without it neither networkd nor
     * nftables work in the machine; the machine name is the network namespace's, unique per bridge.
     */
    static List<String> nspawnArgv(Path root, String machineName, String hostName, String netns) {
        return List.of("systemd-nspawn",
                "--directory=" + root,
                "--boot",
                "--register=no",
                "--keep-unit",
                "--machine=" + machineName,
                "--hostname=" + hostName,
                "--network-namespace-path=/run/netns/" + netns,
                "--capability=CAP_NET_ADMIN",
                "--link-journal=no",
                "--console=read-only");
    }

    /** Boots the prepared machine, recording each PID as soon as it is known; returns once its sshd lets the login user in. */
    void start(SandboxSpec spec, SandboxHost host, Path hostDir, RuntimeRecorder recorder) {
        String netns = spec.netnsName(host.name());
        List<String> argv = new ArrayList<>();
        // Own session: the machines must outlive this JVM and ignore Ctrl-C in the terminal that ran `up`.
        argv.add("setsid");
        argv.addAll(nspawnArgv(MachineRoot.rootOf(hostDir), netns, host.name(), netns));
        Path log = hostDir.resolve("console.log");
        long nspawnPid = runner.spawn(argv, log);
        recorder.update(recorder.get(host.name()).withUnshare(nspawnPid, procFs.startTicks(nspawnPid).orElse(0)));

        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        long pid1 = waitForSystemd(host, nspawnPid, deadline, log);
        OptionalLong pid1Ticks = procFs.startTicks(pid1);
        recorder.update(recorder.get(host.name()).withPid1(pid1, pid1Ticks.orElse(0)));

        while (!HostProcesses.acceptsSsh(host.address(), 200)) {
            if (!procFs.isSameProcess(pid1, pid1Ticks.orElse(0))) {
                throw failure(host, "it shut down before its sshd answered", log);
            }
            if (System.nanoTime() > deadline) {
                throw failure(host, "its sshd did not answer on " + host.address() + ":22 within "
                        + BOOT_TIMEOUT.toSeconds() + " s", log);
            }
            Threads.sleep(50);
        }
        // sshd answers before boot has finished; until systemd-user-sessions.service removes /run/nologin,
        // PAM turns away every login but root's, and a deploy as the sudo user is told its key was refused.
        HostRuntime runtime = recorder.get(host.name());
        while (exec(runtime, List.of("test", "-e", "/run/nologin"), Duration.ofSeconds(10)).exitCode() == 0) {
            if (System.nanoTime() > deadline) {
                throw failure(host, "it still refused logins (/run/nologin) " + BOOT_TIMEOUT.toSeconds() + " s after it started", log);
            }
            Threads.sleep(100);
        }
    }

    /** The machine's systemd is the descendant of nspawn that is PID 1 of a new PID namespace. */
    private long waitForSystemd(SandboxHost host, long nspawnPid, long deadline, Path log) {
        while (System.nanoTime() < deadline) {
            Deque<Long> pending = new ArrayDeque<>(procFs.children(nspawnPid));
            while (!pending.isEmpty()) {
                long pid = pending.pop();
                if (procFs.isNamespaceInit(pid)) {
                    return pid;
                }
                pending.addAll(procFs.children(pid));
            }
            if (procFs.startTicks(nspawnPid).isEmpty()) {
                throw failure(host, "systemd-nspawn exited", log);
            }
            Threads.sleep(20);
        }
        throw failure(host, "its systemd did not start within " + BOOT_TIMEOUT.toSeconds() + " s", log);
    }

    /** The machine's systemd is the very process recorded and alive. */
    boolean isRunning(HostRuntime h) {
        return h.pid1() > 0 && procFs.isSameProcess(h.pid1(), h.pid1StartTicks());
    }

    /**
     * What {@code systemctl is-system-running} says in the machine ({@code running}, {@code degraded},
     * {@code starting}...), or {@code stopped} when its systemd is gone.
     */
    String systemState(HostRuntime h) {
        if (!isRunning(h)) {
            return "stopped";
        }
        String state = exec(h, List.of("systemctl", "is-system-running"), Duration.ofSeconds(10)).stdout().strip();
        return state.isEmpty() ? "unknown" : state;
    }

    /**
     * SIGTERM to nspawn, which asks the machine's systemd for a clean shutdown (services stop in order); SIGKILL to
     * nspawn and the machine's PID 1, which takes the whole PID namespace with it, if that takes too long. Returns
     * false when nothing of the machine was running.
     */
    boolean stop(HostRuntime h) {
        boolean nspawnAlive = h.unsharePid() > 0 && procFs.isSameProcess(h.unsharePid(), h.unshareStartTicks());
        if (!nspawnAlive && !isRunning(h)) {
            return false;
        }
        if (nspawnAlive) {
            ProcessHandle.of(h.unsharePid()).ifPresent(ProcessHandle::destroy);
        }
        if (!waitGone(h, nspawnAlive ? SHUTDOWN_TIMEOUT : Duration.ZERO)) {
            kill(h.unsharePid(), h.unshareStartTicks());
            kill(h.pid1(), h.pid1StartTicks());
            if (!waitGone(h, Duration.ofSeconds(10))) {
                throw new SandboxException("machine " + h.name() + " did not stop (PIDs " + h.unsharePid() + ", "
                        + h.pid1() + ")");
            }
        }
        return true;
    }

    private void kill(long pid, long startTicks) {
        if (pid > 0 && procFs.isSameProcess(pid, startTicks)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private boolean waitGone(HostRuntime h, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean gone = !procFs.isSameProcess(h.unsharePid(), h.unshareStartTicks()) && !isRunning(h);
            if (gone || System.nanoTime() >= deadline) {
                return gone;
            }
            Threads.sleep(50);
        }
    }

    /** Runs {@code argv} in the machine from outside (its namespaces, as root, no SSH): for tests and status. */
    ExecResult exec(HostRuntime h, List<String> argv, Duration timeout) {
        // The machine's own root and working directory (--root, --wd without a value): "--wd=/" would be opened
        // before entering, i.e. this machine's "/", which the machine cannot name (getcwd fails in it).
        List<String> command = new ArrayList<>(List.of("nsenter", "-t", Long.toString(h.pid1()),
                "-m", "-u", "-i", "-p", "-n", "--root", "--wd", "--"));
        command.addAll(argv);
        return runner.run(command, timeout);
    }

    /** The console's last lines go into the message: tear-down removes the machine's directory and its log. */
    private static SandboxException failure(SandboxHost host, String what, Path log) {
        String console;
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            console = String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()))
                    .replaceAll("\u001B\\[[0-9;]*m", "");
        } catch (IOException | UncheckedIOException e) {
            console = "(no console output: " + e.getMessage() + ")";
        }
        return new SandboxException("machine " + host.name() + " (" + host.address() + ") failed to boot: " + what
                + "; last lines of its console:\n" + console);
    }
}

package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import io.tierlift.sandbox.StateFile.HostRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The local sandbox data center: real SSH-reachable hosts on this one machine, for the demo and end-to-end tests.
 *
 * <p>Each host is an {@code sshd} running as PID 1 of its own mount, UTS, IPC and PID namespaces, inside its own
 * network namespace, which a veth pair connects to a bridge on the machine. Each host has private copies of /etc and
 * of the services' data and log directories (see {@link HostFilesystem}) and shares the machine's installed software.
 * Deploy code reaches hosts exactly as it reaches real servers: SSH as root with a key, checked host keys.
 *
 * <p>Everything the sandbox creates is recorded in {@code STATE_DIR/state.json} before it is created, so {@link #down}
 * can remove it even after a crash. Needs root.
 */
public final class Sandbox {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SSHD_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(120);
    private static final int SSH_PORT = 22;

    private static final Object JVM_LOCK = new Object();
    private static final Path MACHINE_LOCK = (Files.isDirectory(Path.of("/run/lock")) ? Path.of("/run/lock")
            : Path.of(System.getProperty("java.io.tmpdir"))).resolve("tierlift-sandbox.lock");

    private final Path stateDir;
    private final MachineCommandRunner runner;
    private final ProcFs procFs = new ProcFs();
    private final HostFilesystem hostFilesystem;
    private final StateStore store;

    /**
     * @param stateDir where keys, client config and host directories live, e.g. {@link #defaultStateDir()}
     * @param runner   runs machine-side commands; {@link io.tierlift.release.ProcessCommandRunner} for real use
     */
    public Sandbox(Path stateDir, MachineCommandRunner runner) {
        this.stateDir = stateDir.toAbsolutePath().normalize();
        this.runner = new SandboxRunner(runner);
        this.hostFilesystem = new HostFilesystem(runner);
        this.store = new StateStore(this.stateDir.resolve("state.json"));
    }

    /** {@code ~/.tierlift/sandbox}. */
    public static Path defaultStateDir() {
        return Path.of(System.getProperty("user.home"), ".tierlift", "sandbox");
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path sshConfig() {
        return stateDir.resolve("ssh_config");
    }

    public Path knownHosts() {
        return stateDir.resolve("known_hosts");
    }

    public Path identityFile() {
        return stateDir.resolve("id_ed25519");
    }

    private Path hostsDir() {
        return stateDir.resolve("hosts");
    }

    /**
     * Checks that this machine can run the sandbox. Throws {@link SandboxException} naming what is missing and the
     * apt-get command that installs it; returns warnings about optional pieces (the services to deploy).
     */
    public List<String> preflight() {
        return new SandboxPreflight(runner).check();
    }

    // ---------------------------------------------------------------------------------------------------- up

    /**
     * Brings the sandbox up and returns it once every host's sshd accepts connections.
     *
     * <p>Idempotent: when this state directory's sandbox is already up with the same spec, returns it unchanged. When
     * it is up with a different spec, refuses ({@code down} first). Leftovers of a sandbox that is no longer (fully)
     * running are removed first. If bring-up fails, everything started so far is torn down again.
     */
    public SandboxState up(SandboxSpec spec, ProgressListener progress) {
        List<String> warnings = preflight();
        warnings.forEach(w -> progress.message("warning: " + w));
        return locked(() -> {
            Optional<StateFile> existing = store.read();
            if (existing.isPresent()) {
                StateFile old = existing.get();
                SandboxStatus now = statusOf(old);
                if (now.anyRunning() && !old.spec().equals(spec)) {
                    throw new SandboxException("a sandbox with a different spec is already up in " + stateDir
                            + " (bridge " + old.spec().bridge() + ", hosts " + hostNames(old.spec())
                            + "); run `tierlift sandbox down` first");
                }
                if (now.allUp()) {
                    progress.message("sandbox already up (" + old.hosts().size() + " hosts)");
                    return toState(old);
                }
                progress.message(now.anyRunning()
                        ? "sandbox is only partly up; recreating it"
                        : "removing leftovers of a sandbox that is no longer running");
                teardown(old, progress);
            }
            return create(spec, progress);
        });
    }

    private SandboxState create(SandboxSpec spec, ProgressListener progress) {
        long started = System.nanoTime();
        checkNoConflicts(spec);
        try {
            Files.createDirectories(stateDir);
            deleteTree(hostsDir()); // files of a crashed sandbox whose state file is gone
            Files.createDirectories(hostsDir());
        } catch (IOException e) {
            throw new SandboxException("cannot create " + hostsDir() + ": " + e.getMessage(), e);
        }
        String clientKey = ensureClientKey();

        // Record the intent before creating anything, so a crash at any point leaves enough for `down`.
        Map<String, HostRuntime> runtimes = new LinkedHashMap<>();
        for (SandboxHost h : spec.hosts()) {
            runtimes.put(h.name(), new HostRuntime(h.name(), h.address(), spec.netnsName(h.name()),
                    spec.vethName(h.name()), 0, 0, 0, 0));
        }
        RuntimeRecorder recorder = new RuntimeRecorder(spec, runtimes);
        recorder.save();

        try {
            createBridge(spec);
            progress.message("bridge " + spec.bridge() + " up (" + spec.gateway() + "/" + spec.prefixLength() + ")");
            // Hosts are independent, and most of a host's start is waiting (copying /etc, key generation, sshd
            // start-up), so they start in parallel.
            runInParallel(spec.hosts(), host -> startHost(spec, host, clientKey, recorder, progress));
            writeClientFiles(spec);
            StateFile state = recorder.save();
            progress.message(String.format("sandbox up: %d hosts in %.1f s; try: ssh -F %s %s",
                    spec.hosts().size(), (System.nanoTime() - started) / 1e9, sshConfig(),
                    spec.hosts().get(0).name()));
            return toState(state);
        } catch (RuntimeException e) {
            progress.message("bring-up failed; removing what was started");
            try {
                teardown(recorder.save(), progress);
            } catch (RuntimeException teardownFailure) {
                e.addSuppressed(teardownFailure);
            }
            throw e;
        }
    }

    /** Keeps the per-host runtime facts and writes them to state.json whenever one changes. */
    private final class RuntimeRecorder {
        private final SandboxSpec spec;
        private final Map<String, HostRuntime> runtimes;

        RuntimeRecorder(SandboxSpec spec, Map<String, HostRuntime> runtimes) {
            this.spec = spec;
            this.runtimes = runtimes;
        }

        synchronized HostRuntime get(String name) {
            return runtimes.get(name);
        }

        synchronized void update(HostRuntime runtime) {
            runtimes.put(runtime.name(), runtime);
            save();
        }

        synchronized StateFile save() {
            StateFile state = new StateFile(StateFile.VERSION, spec, new ArrayList<>(runtimes.values()));
            store.write(state);
            return state;
        }
    }

    /** Refuses to start when kernel objects or addresses we would create are already in use by anything else. */
    private void checkNoConflicts(SandboxSpec spec) {
        Set<String> links = listLinks();
        Set<String> namespaces = listNetns();
        List<String> existing = new ArrayList<>();
        List<String> removals = new ArrayList<>();
        if (links.contains(spec.bridge())) {
            existing.add("bridge " + spec.bridge());
            removals.add("ip link del " + spec.bridge());
        }
        for (SandboxHost h : spec.hosts()) {
            String veth = spec.vethName(h.name());
            if (links.contains(veth)) {
                existing.add("device " + veth);
                removals.add("ip link del " + veth);
            }
            String netns = spec.netnsName(h.name());
            if (namespaces.contains(netns)) {
                existing.add("network namespace " + netns);
                removals.add("ip netns del " + netns);
            }
        }
        if (!existing.isEmpty()) {
            throw new SandboxException("cannot bring the sandbox up: " + String.join(", ", existing)
                    + " already exist. Another sandbox (with a different state directory) is probably up on bridge "
                    + spec.bridge() + ": run `down` for it, or use another bridge. If a crash left them behind: "
                    + String.join("; ", removals));
        }
        Ipv4Cidr ours = Ipv4Cidr.parse(spec.cidr());
        ExecResult addresses = ip("-o", "-4", "addr", "show");
        for (String line : addresses.stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) {
                if (f[i].equals("inet") && f[i + 1].contains("/")) {
                    String[] addr = f[i + 1].split("/");
                    int prefix = Integer.parseInt(addr[1]);
                    int address = Ipv4Cidr.parseAddress(addr[0]);
                    int network = prefix == 0 ? 0 : address & (-1 << (32 - prefix));
                    if (ours.overlaps(new Ipv4Cidr(network, prefix))) {
                        throw new SandboxException("sandbox subnet " + spec.cidr() + " overlaps " + f[i + 1]
                                + " on interface " + f[1] + "; choose another subnet");
                    }
                }
            }
        }
    }

    private void createBridge(SandboxSpec spec) {
        ip("link", "add", spec.bridge(), "type", "bridge");
        ip("addr", "add", spec.gateway() + "/" + spec.prefixLength(), "dev", spec.bridge());
        ip("link", "set", spec.bridge(), "up");
    }

    private void startHost(SandboxSpec spec, SandboxHost host, String clientKey, RuntimeRecorder recorder,
                           ProgressListener progress) {
        Path hostDir = hostsDir().resolve(host.name());
        try {
            hostFilesystem.prepare(spec, host, hostDir, clientKey);
        } catch (IOException e) {
            throw new SandboxException("cannot prepare files of host " + host.name() + ": " + e.getMessage(), e);
        }

        String netns = spec.netnsName(host.name());
        ip("netns", "add", netns);
        // The host-side end is created directly in the host's namespace and named like a real server's NIC.
        ip("link", "add", spec.vethName(host.name()), "type", "veth", "peer", "name", "eth0", "netns", netns);
        ip("link", "set", spec.vethName(host.name()), "master", spec.bridge(), "up");
        ip("-n", netns, "addr", "add", host.address() + "/" + spec.prefixLength(), "dev", "eth0");
        ip("-n", netns, "link", "set", "eth0", "up");
        ip("-n", netns, "link", "set", "lo", "up");
        // No default route: hosts can reach each other and the machine (gateway) but nothing else.

        List<String> argv = new ArrayList<>(List.of(
                // Own session: the hosts must outlive this JVM and ignore Ctrl-C in the terminal that ran `up`.
                "setsid",
                "ip", "netns", "exec", netns,
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
        progress.message("host " + host.name() + " up (" + host.address() + ")");
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
            sleep(20);
        }
        throw hostFailure(host, "its init did not start within " + INIT_TIMEOUT.toSeconds() + " s", log);
    }

    private void waitForSsh(SandboxHost host, long pid1, long pid1Ticks, Path log) {
        long deadline = System.nanoTime() + SSHD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!procFs.isSameProcess(pid1, pid1Ticks)) {
                throw hostFailure(host, "its sshd exited before accepting connections", log);
            }
            if (acceptsTcp(host.address(), 200)) {
                return;
            }
            sleep(50);
        }
        throw hostFailure(host, "its sshd did not accept connections on " + host.address() + ":" + SSH_PORT
                + " within " + SSHD_TIMEOUT.toSeconds() + " s", log);
    }

    private SandboxException hostFailure(SandboxHost host, String what, Path log) {
        return new SandboxException("host " + host.name() + " (" + host.address() + ") failed to start: " + what
                + "; last lines of " + log + ":\n" + tail(log, 20));
    }

    /** The client key pair is kept across up/down so ssh configurations pointing at it keep working. */
    private String ensureClientKey() {
        Path key = identityFile();
        Path pub = key.resolveSibling(key.getFileName() + ".pub");
        try {
            Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
            if (!Files.exists(key) || !Files.exists(pub)) {
                Files.deleteIfExists(key);
                Files.deleteIfExists(pub);
                ExecResult r = runner.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                        "-C", "tierlift-sandbox", "-f", key.toString()), COMMAND_TIMEOUT);
                if (!r.ok()) {
                    throw new SandboxException("cannot create the sandbox client key " + key + ": " + r.describe());
                }
            }
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            return Files.readString(pub, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new SandboxException("cannot set up the sandbox client key " + key + ": " + e.getMessage(), e);
        }
    }

    /** known_hosts and ssh_config, so plain OpenSSH (and anything reading them) reaches hosts by name. */
    private void writeClientFiles(SandboxSpec spec) {
        StringBuilder known = new StringBuilder();
        StringBuilder config = new StringBuilder()
                .append("# tierlift sandbox in ").append(stateDir).append("; rewritten by every `sandbox up`.\n")
                .append("# Usage: ssh -F ").append(sshConfig()).append(" HOST\n");
        try {
            for (SandboxHost h : spec.hosts()) {
                String key = hostFilesystem.hostPublicKey(hostsDir().resolve(h.name()));
                known.append(h.address()).append(' ').append(key).append('\n');
                known.append(h.name()).append(' ').append(key).append('\n');
                config.append('\n')
                        .append("Host ").append(h.name()).append(' ').append(h.address()).append('\n')
                        .append("    HostName ").append(h.address()).append('\n')
                        .append("    User root\n")
                        .append("    IdentityFile ").append(quote(identityFile())).append('\n')
                        .append("    IdentitiesOnly yes\n")
                        .append("    UserKnownHostsFile ").append(quote(knownHosts())).append('\n')
                        .append("    GlobalKnownHostsFile /dev/null\n")
                        .append("    StrictHostKeyChecking yes\n")
                        .append("    BatchMode yes\n")
                        .append("    ConnectTimeout 10\n");
            }
            Files.writeString(knownHosts(), known.toString(), StandardCharsets.UTF_8);
            Files.writeString(sshConfig(), config.toString(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(sshConfig(), PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new SandboxException("cannot write ssh client files in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    private static String quote(Path p) {
        return "\"" + p + "\"";
    }

    // -------------------------------------------------------------------------------------------------- down

    /**
     * Stops every host and removes the sandbox's network namespaces, devices, host directories and client files. The
     * client key pair is kept. A no-op when nothing is up; after a crash it removes whatever of the recorded objects
     * still exists.
     */
    public void down(ProgressListener progress) {
        if (!Files.isDirectory(stateDir)) {
            progress.message("no sandbox in " + stateDir);
            return;
        }
        locked(() -> {
            Optional<StateFile> state = store.read();
            if (state.isPresent()) {
                teardown(state.get(), progress);
                progress.message("sandbox down");
            } else {
                deleteTree(hostsDir());
                progress.message("no sandbox is up in " + stateDir);
            }
            return null;
        });
    }

    private void teardown(StateFile state, ProgressListener progress) {
        long started = System.nanoTime();
        List<String> failures = new ArrayList<>();
        SandboxSpec spec = state.spec();

        // Hosts first, in parallel: each may need a few seconds to stop its services.
        try {
            runInParallel(state.hosts(), h -> stopHost(h, progress));
        } catch (RuntimeException e) {
            failures.add(String.valueOf(e.getMessage()));
        }

        // Then the kernel objects. Deleting a veth end removes the pair; the namespace goes when its file is removed
        // and no process is left in it.
        Set<String> links = listLinks();
        Set<String> namespaces = listNetns();
        for (SandboxHost h : spec.hosts()) {
            String veth = spec.vethName(h.name());
            if (links.contains(veth)) {
                removeLink(veth, failures);
            }
            String netns = spec.netnsName(h.name());
            if (namespaces.contains(netns)) {
                ExecResult r = runner.run(List.of("ip", "netns", "del", netns), COMMAND_TIMEOUT);
                if (!r.ok() && listNetns().contains(netns)) {
                    failures.add("ip netns del " + netns + ": " + r.describe());
                }
            }
        }
        if (links.contains(spec.bridge())) {
            removeLink(spec.bridge(), failures);
        }

        if (failures.isEmpty()) {
            try {
                deleteTree(hostsDir());
                Files.deleteIfExists(sshConfig());
                Files.deleteIfExists(knownHosts());
                store.delete();
            } catch (IOException | SandboxException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            // The state file is kept so that a second `down` can finish the job.
            throw new SandboxException("sandbox tear-down incomplete: " + String.join("; ", failures));
        }
        progress.message(String.format("sandbox torn down in %.1f s", (System.nanoTime() - started) / 1e9));
    }

    private void stopHost(HostRuntime h, ProgressListener progress) {
        boolean initAlive = h.pid1() > 0 && procFs.isSameProcess(h.pid1(), h.pid1StartTicks());
        boolean unshareAlive = h.unsharePid() > 0 && procFs.isSameProcess(h.unsharePid(), h.unshareStartTicks());
        if (!initAlive && !unshareAlive) {
            return;
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
        progress.message("host " + h.name() + " stopped");
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
                sleep(50);
            }
        } catch (RuntimeException e) {
            // best effort only
        }
    }

    private boolean hasPostgresClusters(HostRuntime h) {
        Path etcPostgresql = hostsDir().resolve(h.name()).resolve("fs/etc/postgresql");
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
            sleep(20);
        }
    }

    /**
     * A veth can vanish on its own between listing and deleting: when the last process of a host whose namespace file
     * is already gone exits, the kernel destroys the namespace and the pair with it. Only a device that is still
     * there counts as a failure.
     */
    private void removeLink(String name, List<String> failures) {
        ExecResult r = runner.run(List.of("ip", "link", "del", name), COMMAND_TIMEOUT);
        if (!r.ok() && listLinks().contains(name)) {
            failures.add("ip link del " + name + ": " + r.describe());
        }
    }

    // ------------------------------------------------------------------------------------------ status, exec

    /** Checks each recorded host now: is its init alive and does its sshd accept connections. */
    public SandboxStatus status() {
        Optional<StateFile> state = store.read();
        return state.map(this::statusOf)
                .orElseGet(() -> new SandboxStatus(false, List.of(), sshConfig(), knownHosts(), identityFile()));
    }

    /** The recorded sandbox, whether or not its hosts are still running; empty when none is recorded. */
    public Optional<SandboxState> state() {
        return store.read().map(this::toState);
    }

    private SandboxStatus statusOf(StateFile state) {
        List<SandboxStatus.Host> hosts = new ArrayList<>();
        for (HostRuntime h : state.hosts()) {
            boolean running = h.pid1() > 0 && procFs.isSameProcess(h.pid1(), h.pid1StartTicks());
            boolean accepting = running && acceptsTcp(h.address(), 300);
            hosts.add(new SandboxStatus.Host(h.name(), h.address(), running, accepting));
        }
        return new SandboxStatus(true, hosts, sshConfig(), knownHosts(), identityFile());
    }

    private SandboxState toState(StateFile state) {
        List<SandboxState.Host> hosts = new ArrayList<>();
        for (HostRuntime h : state.hosts()) {
            hosts.add(new SandboxState.Host(h.name(), h.address(), h.netns(), h.veth(), h.pid1(), h.unsharePid()));
        }
        return new SandboxState(state.spec(), hosts, sshConfig(), knownHosts(), identityFile());
    }

    /**
     * Runs {@code argv} inside host {@code host} from the machine side (all of the host's namespaces, as root),
     * without SSH: for tests and tear-down. Times out after 60 s.
     */
    public ExecResult execInHost(String host, List<String> argv) {
        return execInHost(host, argv, EXEC_TIMEOUT);
    }

    public ExecResult execInHost(String host, List<String> argv, Duration timeout) {
        StateFile state = store.read().orElseThrow(() -> new SandboxException("no sandbox is up in " + stateDir));
        HostRuntime h = state.hosts().stream().filter(r -> r.name().equals(host)).findFirst()
                .orElseThrow(() -> new SandboxException("no host named " + host + " in the sandbox"));
        if (h.pid1() <= 0 || !procFs.isSameProcess(h.pid1(), h.pid1StartTicks())) {
            throw new SandboxException("host " + host + " is not running");
        }
        return exec(h, argv, timeout);
    }

    private ExecResult exec(HostRuntime h, List<String> argv, Duration timeout) {
        List<String> command = new ArrayList<>(List.of("nsenter", "-t", Long.toString(h.pid1()),
                "-m", "-u", "-i", "-p", "-n", "--wd=/", "--"));
        command.addAll(argv);
        return runner.run(command, timeout);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private ExecResult ip(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("ip");
        argv.addAll(List.of(args));
        ExecResult r = runner.run(argv, COMMAND_TIMEOUT);
        if (!r.ok()) {
            throw new SandboxException(String.join(" ", argv) + " failed: " + r.describe());
        }
        return r;
    }

    /** Names of all network devices on the machine ("5: tlv-1a2b3c4d@if2: <...>" lines). */
    private Set<String> listLinks() {
        Set<String> names = new HashSet<>();
        for (String line : ip("-o", "link", "show").stdout().split("\n")) {
            String[] parts = line.split(": ", 3);
            if (parts.length >= 2) {
                String name = parts[1].trim();
                int at = name.indexOf('@');
                names.add(at >= 0 ? name.substring(0, at) : name);
            }
        }
        return names;
    }

    /** Names of all named network namespaces ("tl-br0-app1 (id: 3)" lines). */
    private Set<String> listNetns() {
        Set<String> names = new HashSet<>();
        for (String line : ip("netns", "list").stdout().split("\n")) {
            if (!line.isBlank()) {
                names.add(line.trim().split("\\s+")[0]);
            }
        }
        return names;
    }

    private static boolean acceptsTcp(String address, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(address), SSH_PORT), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code action} for every item on its own thread and waits for all; rethrows the first failure. */
    private <T> void runInParallel(List<T> items, java.util.function.Consumer<T> action) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(items.size(), 16)));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> action.accept(item)));
            }
            RuntimeException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException re
                            ? re : new SandboxException(String.valueOf(e.getCause()), e.getCause());
                    if (first == null) {
                        first = cause;
                    } else {
                        first.addSuppressed(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SandboxException("interrupted", e);
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Serializes every sandbox's up and down on this machine, across processes (the CLI, test runs from several work
     * trees) by an OS file lock and across threads of this JVM by a monitor. Otherwise two sandboxes on the same
     * bridge could both pass the conflict check, and the loser's rollback would remove the winner's devices.
     * An up or down takes a few seconds, so waiting is cheap.
     */
    private <T> T locked(Supplier<T> action) {
        synchronized (JVM_LOCK) {
            try (FileChannel channel = FileChannel.open(MACHINE_LOCK,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long deadline = System.nanoTime() + LOCK_TIMEOUT.toNanos();
                while (channel.tryLock() == null) { // released when the channel closes
                    if (System.nanoTime() > deadline) {
                        throw new SandboxException("another sandbox up/down has held " + MACHINE_LOCK + " for over "
                                + LOCK_TIMEOUT.toSeconds() + " s; if no tierlift process is running, delete that file");
                    }
                    sleep(100);
                }
                return action.get();
            } catch (IOException e) {
                throw new SandboxException("cannot lock " + MACHINE_LOCK + ": " + e.getMessage(), e);
            }
        }
    }

    /** Deletes a directory tree without following symlinks, refusing if anything is mounted below it. */
    private void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            String real = dir.toRealPath().toString();
            for (String mountPoint : procFs.mountPoints()) {
                if (mountPoint.equals(real) || mountPoint.startsWith(real + "/")) {
                    throw new SandboxException("refusing to delete " + dir + ": " + mountPoint + " is mounted");
                }
            }
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new SandboxException("cannot delete " + dir + ": " + e.getMessage(), e);
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

    private static String hostNames(SandboxSpec spec) {
        return String.join(", ", spec.hosts().stream().map(SandboxHost::name).toList());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted", e);
        }
    }
}

package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import io.tierlift.sandbox.StateFile.HostRuntime;
import io.tierlift.sandbox.StateFile.MachineRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local sandbox data center: real SSH-reachable hosts on this one machine, for the demo and end-to-end tests.
 *
 * <p>Each host is an {@code sshd} running as PID 1 of its own mount, UTS, IPC and PID namespaces, inside its own
 * network namespace, which a veth pair connects to a bridge on the machine. Each host has private copies of /etc and
 * of the services' data and log directories (see {@link HostFilesystem}) and shares the machine's installed software.
 * Deploy code reaches hosts exactly as it reaches real servers: SSH as root with a key, checked host keys.
 *
 * <p>A sandbox of machines ({@link #upMachines}) is the other kind: each host a Debian root booted with systemd by
 * systemd-nspawn in the same kind of network namespace, reached as {@code deploy} with sudo, its packages coming from
 * a cache on the bridge (see {@link MachineHosts}).
 *
 * <p>Everything the sandbox creates is recorded in {@code STATE_DIR/state.json} before it is created, so {@link #down}
 * can remove it even after a crash. Needs root.
 *
 * <p>This class runs the steps in order; the network ({@link SandboxNetwork}), the hosts of either kind
 * ({@link SandboxHosts}) and the SSH client files ({@link ClientFiles}) each have their own class.
 */
public final class Sandbox {

    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(60);

    private final Path stateDir;
    private final MachineCommandRunner runner;
    private final ProcFs procFs = new ProcFs();
    private final SandboxNetwork network;
    private final ClientFiles clientFiles;
    private final StateStore store;
    private final MachineHosts machines;
    private final SandboxHosts hosts;

    /**
     * @param stateDir where keys, client config and host directories live, e.g. {@link #defaultStateDir()}
     * @param runner   runs machine-side commands; {@link io.tierlift.release.ProcessCommandRunner} for real use
     */
    public Sandbox(Path stateDir, MachineCommandRunner runner) {
        this(stateDir, runner, defaultCacheDir());
    }

    /**
     * @param cacheDir kept across sandboxes for machine sandboxes: the built base roots and the packages machines
     *                 fetched, e.g. {@link #defaultCacheDir()}
     */
    public Sandbox(Path stateDir, MachineCommandRunner runner, Path cacheDir) {
        this.stateDir = stateDir.toAbsolutePath().normalize();
        this.runner = new SandboxRunner(runner);
        HostFilesystem hostFilesystem = new HostFilesystem(this.runner);
        this.network = new SandboxNetwork(this.runner);
        this.clientFiles = new ClientFiles(this.stateDir, this.runner, hostFilesystem);
        this.store = new StateStore(this.stateDir.resolve("state.json"));
        this.machines = new MachineHosts(this.runner, procFs, this.stateDir, hostsDir(), cacheDir,
                Path.of("/etc/apt"));
        this.hosts = new SandboxHosts(hostFilesystem, network,
                new HostProcesses(this.runner, procFs, hostsDir()), machines, hostsDir());
    }

    /** {@code /var/cache/tierlift}: base roots take a minute and a half to build, so they outlive any sandbox. */
    public static Path defaultCacheDir() {
        return Path.of("/var/cache/tierlift");
    }

    /** {@code ~/.tierlift/sandbox}. */
    public static Path defaultStateDir() {
        return Path.of(System.getProperty("user.home"), ".tierlift", "sandbox");
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path sshConfig() {
        return clientFiles.sshConfig();
    }

    public Path knownHosts() {
        return clientFiles.knownHosts();
    }

    public Path identityFile() {
        return clientFiles.identityFile();
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
        return up(spec, null, progress);
    }

    /**
     * Brings a sandbox of machines up: each host a Debian root of release {@code os} booted with systemd, reached as
     * {@code deploy} with passwordless sudo, its packages coming only from a cache on the bridge. Otherwise as
     * {@link #up(SandboxSpec, ProgressListener)}. The first run for a release builds its base root (minutes).
     */
    public SandboxState upMachines(SandboxSpec spec, MachineOs os, ProgressListener progress) {
        new SandboxPreflight(runner).checkMachines(MachineHosts.REQUIRED);
        // Outside the machine lock: building a base root takes far longer than other sandboxes may wait for it.
        machines.ensureBaseRoot(os, progress);
        return up(spec, new MachineRuntime(os, 0, 0), progress);
    }

    /** @param machineRuntime null for namespace hosts */
    private SandboxState up(SandboxSpec spec, MachineRuntime machineRuntime, ProgressListener progress) {
        return MachineLock.locked(() -> {
            Optional<StateFile> existing = store.read();
            if (existing.isPresent()) {
                StateFile old = existing.get();
                SandboxStatus now = statusOf(old);
                String oldKind = SandboxHosts.kind(old.machines());
                if (now.anyRunning() && (!old.spec().equals(spec) || !oldKind.equals(SandboxHosts.kind(machineRuntime)))) {
                    throw new SandboxException("a sandbox with a different spec is already up in " + stateDir
                            + " (" + oldKind + ", bridge " + old.spec().bridge() + ", hosts " + hostNames(old.spec())
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
            return create(spec, machineRuntime, progress);
        });
    }

    private SandboxState create(SandboxSpec spec, MachineRuntime machineRuntime, ProgressListener progress) {
        long started = System.nanoTime();
        network.checkNoConflicts(spec);
        try {
            Files.createDirectories(stateDir);
            Trees.delete(hostsDir(), procFs); // files of a crashed sandbox whose state file is gone
            Files.createDirectories(hostsDir());
        } catch (IOException e) {
            throw new SandboxException("cannot create " + hostsDir() + ": " + e.getMessage(), e);
        }
        String clientKey = clientFiles.ensureClientKey();

        // Record the intent before creating anything, so a crash at any point leaves enough for `down`.
        Map<String, HostRuntime> runtimes = new LinkedHashMap<>();
        for (SandboxHost h : spec.hosts()) {
            runtimes.put(h.name(), new HostRuntime(h.name(), h.address(), spec.netnsName(h.name()),
                    spec.vethName(h.name()), 0, 0, 0, 0));
        }
        RuntimeRecorder recorder = new RuntimeRecorder(store, spec, runtimes, machineRuntime);
        recorder.save();

        try {
            network.createBridge(spec);
            progress.message("bridge " + spec.bridge() + " up (" + spec.gateway() + "/" + spec.prefixLength() + ")");
            if (machineRuntime != null) {
                machines.startCache(spec, recorder, progress);
            }
            // Hosts are independent, and most of a host's start is waiting (copying files, key generation, sshd
            // start-up), so they start in parallel.
            Threads.runInParallel(spec.hosts(), host -> hosts.start(spec, host, clientKey, recorder, progress));
            if (machineRuntime != null) {
                clientFiles.write(spec, MachineRoot.LOGIN_USER, machines::hostPublicKey);
            } else {
                clientFiles.write(spec, hostsDir());
            }
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
        MachineLock.locked(() -> {
            Optional<StateFile> state = store.read();
            if (state.isPresent()) {
                teardown(state.get(), progress);
                progress.message("sandbox down");
            } else {
                Trees.delete(hostsDir(), procFs);
                Trees.delete(machines.cacheRunDir(), procFs);
                progress.message("no sandbox is up in " + stateDir);
            }
            return null;
        });
    }

    private void teardown(StateFile state, ProgressListener progress) {
        long started = System.nanoTime();
        List<String> failures = new ArrayList<>();

        // Hosts first, in parallel: each may need a few seconds to stop its services.
        try {
            Threads.runInParallel(state.hosts(), h -> {
                if (hosts.stop(state, h)) {
                    progress.message("host " + h.name() + " stopped");
                }
            });
            if (state.isMachines()) {
                machines.stopCache(state.machines());
            }
        } catch (RuntimeException e) {
            failures.add(String.valueOf(e.getMessage()));
        }

        // Then the kernel objects, which a namespace with a live process would keep.
        network.remove(state.spec(), failures);

        if (failures.isEmpty()) {
            try {
                Trees.delete(hostsDir(), procFs);
                Trees.delete(machines.cacheRunDir(), procFs);
                clientFiles.delete();
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

    // ------------------------------------------------------------------------------------------------ restart

    /**
     * Shuts machine {@code host} down cleanly (its systemd stops every service, as {@code systemctl reboot} does) and
     * boots it again from the same root: what survives is what a server keeps across a reboot, and nothing is started
     * but what the machine's own units start. Only machines can restart; a namespace host has no init to boot.
     */
    public void restart(String host, ProgressListener progress) {
        MachineLock.locked(() -> {
            StateFile state = store.read().orElseThrow(() -> new SandboxException("no sandbox is up in " + stateDir));
            if (!state.isMachines()) {
                throw new SandboxException("only machines restart (sandbox up --machines); namespace hosts run no init");
            }
            HostRuntime h = state.hosts().stream().filter(r -> r.name().equals(host)).findFirst()
                    .orElseThrow(() -> new SandboxException("no host named " + host + " in the sandbox"));
            SandboxHost spec = state.spec().hosts().stream().filter(s -> s.name().equals(host)).findFirst().orElseThrow();
            long started = System.nanoTime();
            Map<String, HostRuntime> runtimes = new LinkedHashMap<>();
            state.hosts().forEach(r -> runtimes.put(r.name(), r));
            RuntimeRecorder recorder = new RuntimeRecorder(store, state.spec(), runtimes, state.machines());
            machines.stop(h);
            progress.message("machine " + host + " shut down");
            machines.bootAgain(state.spec(), spec, recorder);
            progress.message(String.format("machine %s booted again in %.1f s", host, (System.nanoTime() - started) / 1e9));
            return null;
        });
    }

    // ------------------------------------------------------------------------------------------ status, exec

    /** Checks each recorded host now: is its init alive and does its sshd accept connections. */
    public SandboxStatus status() {
        Optional<StateFile> state = store.read();
        return state.map(this::statusOf)
                .orElseGet(() -> new SandboxStatus(false, "", List.of(), sshConfig(), knownHosts(), identityFile()));
    }

    /** The recorded sandbox, whether or not its hosts are still running; empty when none is recorded. */
    public Optional<SandboxState> state() {
        return store.read().map(this::toState);
    }

    private SandboxStatus statusOf(StateFile state) {
        List<SandboxStatus.Host> checked = new ArrayList<>();
        for (HostRuntime h : state.hosts()) {
            boolean running = hosts.isRunning(state, h);
            boolean accepting = running && HostProcesses.acceptsSsh(h.address(), 300);
            String system = hosts.systemState(state, h);
            checked.add(new SandboxStatus.Host(h.name(), h.address(), running, accepting, system));
        }
        return new SandboxStatus(true, SandboxHosts.kind(state.machines()), checked, sshConfig(), knownHosts(),
                identityFile());
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
        return hosts.exec(state, h, argv, timeout);
    }

    private static String hostNames(SandboxSpec spec) {
        return String.join(", ", spec.hosts().stream().map(SandboxHost::name).toList());
    }
}

package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import io.tierlift.sandbox.StateFile.HostRuntime;
import io.tierlift.sandbox.StateFile.MachineRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The steps only a machine sandbox has, in the order {@link Sandbox} runs them: the cached base root, the package
 * cache on the bridge, and per host a prepared root booted with systemd.
 */
final class MachineHosts {

    /** Without these no machine can be built, booted or given packages. */
    static final List<SandboxPreflight.Requirement> REQUIRED = List.of(
            new SandboxPreflight.Requirement("debootstrap", "debootstrap", "debootstrap"),
            new SandboxPreflight.Requirement("systemd-nspawn", "systemd-nspawn", "systemd-container"),
            new SandboxPreflight.Requirement("apt-cacher-ng", "apt-cacher-ng", "apt-cacher-ng"),
            new SandboxPreflight.Requirement("useradd", "useradd", "passwd"),
            new SandboxPreflight.Requirement("chroot", "chroot", "coreutils"));

    private final BaseRoots baseRoots;
    private final AptCache aptCache;
    private final MachineRoot machineRoot;
    private final NspawnMachines nspawn;
    private final Path aptDir;
    private final Path hostsDir;
    private final Path cacheRunDir;

    /**
     * @param cacheDir kept across sandboxes: base roots and fetched packages, e.g. /var/cache/tierlift
     * @param aptDir   this machine's apt configuration, where the mirror is read from (/etc/apt)
     */
    MachineHosts(MachineCommandRunner runner, ProcFs procFs, Path stateDir, Path hostsDir, Path cacheDir, Path aptDir) {
        this.baseRoots = new BaseRoots(runner, cacheDir.resolve("machines"));
        this.cacheRunDir = stateDir.resolve("apt-cacher-ng");
        this.aptCache = new AptCache(runner, procFs, cacheRunDir, cacheDir.resolve("apt-cacher-ng"));
        this.machineRoot = new MachineRoot(runner);
        this.nspawn = new NspawnMachines(runner, procFs);
        this.aptDir = aptDir;
        this.hostsDir = hostsDir;
    }

    /** The package cache's configuration, logs and socket of this sandbox; the fetched packages are kept elsewhere. */
    Path cacheRunDir() {
        return cacheRunDir;
    }

    DebianMirrors mirrors() {
        return DebianMirrors.read(aptDir);
    }

    /** Builds the release's base root unless cached; slow the first time, so run before taking the machine lock. */
    void ensureBaseRoot(MachineOs os, ProgressListener progress) {
        baseRoots.ensure(os, mirrors(), progress);
    }

    void startCache(SandboxSpec spec, RuntimeRecorder recorder, ProgressListener progress) {
        long pid = aptCache.start(spec.gateway(), mirrors());
        recorder.updateMachines(recorder.machines().withCache(pid, aptCache.startTicks(pid).orElse(0)));
        progress.message("package cache up on " + spec.gateway() + ":" + AptCache.PORT);
    }

    void stopCache(MachineRuntime machines) {
        aptCache.stop(machines.cachePid(), machines.cacheStartTicks());
    }

    void startHost(SandboxSpec spec, SandboxHost host, MachineOs os, String clientKey, RuntimeRecorder recorder) {
        Path hostDir = hostsDir.resolve(host.name());
        try {
            machineRoot.prepare(baseRoots.baseOf(os), hostDir, spec, host, os, mirrors(), clientKey);
        } catch (IOException e) {
            throw new SandboxException("cannot prepare the root of machine " + host.name() + ": " + e.getMessage(), e);
        }
        nspawn.start(spec, host, hostDir, recorder);
    }

    /** Boots a machine whose root was prepared by {@link #startHost} and that has since shut down. */
    void bootAgain(SandboxSpec spec, SandboxHost host, RuntimeRecorder recorder) {
        nspawn.start(spec, host, hostsDir.resolve(host.name()), recorder);
    }

    String hostPublicKey(SandboxHost host) {
        try {
            return MachineRoot.hostPublicKey(hostsDir.resolve(host.name()));
        } catch (IOException e) {
            throw new SandboxException("cannot read the host key of machine " + host.name() + ": " + e.getMessage(), e);
        }
    }

    boolean isRunning(HostRuntime h) {
        return nspawn.isRunning(h);
    }

    String systemState(HostRuntime h) {
        return nspawn.systemState(h);
    }

    boolean stop(HostRuntime h) {
        return nspawn.stop(h);
    }

    ExecResult exec(HostRuntime h, List<String> argv, Duration timeout) {
        return nspawn.exec(h, argv, timeout);
    }
}

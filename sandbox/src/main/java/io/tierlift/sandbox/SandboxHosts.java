package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.sandbox.StateFile.HostRuntime;
import io.tierlift.sandbox.StateFile.MachineRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Starts, checks, enters and stops one host of either kind: a namespace host ({@link HostProcesses} with the files
 * of {@link HostFilesystem}) or a booted machine ({@link MachineHosts}). The recorded state says which kind a host is,
 * so {@code down} and {@code status} work whatever the command line of {@code up} was.
 */
final class SandboxHosts {

    private final HostFilesystem hostFilesystem;
    private final SandboxNetwork network;
    private final HostProcesses processes;
    private final MachineHosts machines;
    private final Path hostsDir;

    SandboxHosts(HostFilesystem hostFilesystem, SandboxNetwork network, HostProcesses processes, MachineHosts machines,
                 Path hostsDir) {
        this.hostFilesystem = hostFilesystem;
        this.network = network;
        this.processes = processes;
        this.machines = machines;
        this.hostsDir = hostsDir;
    }

    /** "namespaces" or "machines (debian12)", as {@code status} shows it. */
    static String kind(MachineRuntime machineRuntime) {
        return machineRuntime == null ? "namespaces" : "machines (" + machineRuntime.os().id() + ")";
    }

    void start(SandboxSpec spec, SandboxHost host, String clientKey, RuntimeRecorder recorder,
               ProgressListener progress) {
        MachineRuntime machineRuntime = recorder.machines();
        if (machineRuntime != null) {
            // A machine configures its address itself, as a server does at boot.
            network.connectHost(spec, host, false);
            machines.startHost(spec, host, machineRuntime.os(), clientKey, recorder);
            progress.message("machine " + host.name() + " booted (" + host.address() + ", "
                    + machineRuntime.os().id() + ")");
            return;
        }
        try {
            hostFilesystem.prepare(spec, host, hostsDir.resolve(host.name()), clientKey);
        } catch (IOException e) {
            throw new SandboxException("cannot prepare files of host " + host.name() + ": " + e.getMessage(), e);
        }
        network.connectHost(spec, host, true);
        processes.start(spec, host, recorder);
        progress.message("host " + host.name() + " up (" + host.address() + ")");
    }

    boolean isRunning(StateFile state, HostRuntime h) {
        return state.isMachines() ? machines.isRunning(h) : processes.isRunning(h);
    }

    /** systemd's own view of a machine; empty for a namespace host, which runs no systemd. */
    String systemState(StateFile state, HostRuntime h) {
        return state.isMachines() ? machines.systemState(h) : "";
    }

    /** Returns false when nothing of the host was running. */
    boolean stop(StateFile state, HostRuntime h) {
        return state.isMachines() ? machines.stop(h) : processes.stop(h);
    }

    ExecResult exec(StateFile state, HostRuntime h, List<String> argv, Duration timeout) {
        if (!isRunning(state, h)) {
            throw new SandboxException((state.isMachines() ? "machine " : "host ") + h.name() + " is not running");
        }
        return state.isMachines() ? machines.exec(h, argv, timeout) : processes.exec(h, argv, timeout);
    }
}

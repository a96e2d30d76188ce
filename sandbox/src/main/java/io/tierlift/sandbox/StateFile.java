package io.tierlift.sandbox;

import java.util.List;

/**
 * What {@code state.json} holds: enough to find and remove everything a sandbox created, even after a crash.
 * Start times (clock ticks since boot, from /proc/PID/stat) guard against signalling an unrelated process that got a
 * recorded PID after a reboot or PID wrap-around.
 */
record StateFile(int version, SandboxSpec spec, List<HostRuntime> hosts, MachineRuntime machines) {

    static final int VERSION = 1;

    StateFile {
        hosts = List.copyOf(hosts);
    }

    /** A sandbox of namespace hosts (state files written before machines existed have no {@code machines}). */
    StateFile(int version, SandboxSpec spec, List<HostRuntime> hosts) {
        this(version, spec, hosts, null);
    }

    boolean isMachines() {
        return machines != null;
    }

    /**
     * What only a machine sandbox has: the release its machines boot and the package cache it runs on the bridge.
     * For machines, a host's {@code unsharePid} is its {@code systemd-nspawn} process and {@code pid1} the machine's
     * systemd.
     */
    record MachineRuntime(MachineOs os, long cachePid, long cacheStartTicks) {
        MachineRuntime withCache(long pid, long ticks) {
            return new MachineRuntime(os, pid, ticks);
        }
    }

    /** PIDs are 0 until known. */
    record HostRuntime(String name, String address, String netns, String veth,
                       long unsharePid, long unshareStartTicks, long pid1, long pid1StartTicks) {

        HostRuntime withUnshare(long pid, long ticks) {
            return new HostRuntime(name, address, netns, veth, pid, ticks, pid1, pid1StartTicks);
        }

        HostRuntime withPid1(long pid, long ticks) {
            return new HostRuntime(name, address, netns, veth, unsharePid, unshareStartTicks, pid, ticks);
        }
    }
}

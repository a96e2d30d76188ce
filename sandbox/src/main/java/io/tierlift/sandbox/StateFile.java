package io.tierlift.sandbox;

import java.util.List;

/**
 * What {@code state.json} holds: enough to find and remove everything a sandbox created, even after a crash.
 * Start times (clock ticks since boot, from /proc/PID/stat) guard against signalling an unrelated process that got a
 * recorded PID after a reboot or PID wrap-around.
 */
record StateFile(int version, SandboxSpec spec, List<HostRuntime> hosts) {

    static final int VERSION = 1;

    StateFile {
        hosts = List.copyOf(hosts);
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

package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The sandbox's kernel network objects: a bridge on the machine, and per host a network namespace joined to the
 * bridge by a veth pair. Created and removed with {@code ip}.
 */
final class SandboxNetwork {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final MachineCommandRunner runner;

    SandboxNetwork(MachineCommandRunner runner) {
        this.runner = runner;
    }

    /** Refuses to start when kernel objects or addresses we would create are already in use by anything else. */
    void checkNoConflicts(SandboxSpec spec) {
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

    void createBridge(SandboxSpec spec) {
        ip("link", "add", spec.bridge(), "type", "bridge");
        ip("addr", "add", spec.gateway() + "/" + spec.prefixLength(), "dev", spec.bridge());
        ip("link", "set", spec.bridge(), "up");
    }

    /**
     * Creates the host's network namespace with its eth0 on the bridge; addressed and up when {@code address}, else
     * left for the host's own network configuration (a booted machine's systemd-networkd).
     */
    void connectHost(SandboxSpec spec, SandboxHost host, boolean address) {
        String netns = spec.netnsName(host.name());
        ip("netns", "add", netns);
        // The host-side end is created directly in the host's namespace and named like a real server's NIC.
        ip("link", "add", spec.vethName(host.name()), "type", "veth", "peer", "name", "eth0", "netns", netns);
        ip("link", "set", spec.vethName(host.name()), "master", spec.bridge(), "up");
        if (address) {
            ip("-n", netns, "addr", "add", host.address() + "/" + spec.prefixLength(), "dev", "eth0");
            ip("-n", netns, "link", "set", "eth0", "up");
            ip("-n", netns, "link", "set", "lo", "up");
        }
        // No default route: hosts can reach each other and the machine (gateway) but nothing else.
    }

    /**
     * Removes whatever of the spec's veths, namespaces and bridge still exists, adding what could not be removed to
     * {@code failures}. Run after the hosts' processes are gone: deleting a veth end removes the pair; a namespace
     * goes when its file is removed and no process is left in it.
     */
    void remove(SandboxSpec spec, List<String> failures) {
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
}

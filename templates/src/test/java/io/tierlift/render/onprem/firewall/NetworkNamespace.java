package io.tierlift.render.onprem.firewall;

import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace the test creates and deletes itself, so nftables rules and test traffic
 * never touch the machine's own network.
 */
public final class NetworkNamespace implements AutoCloseable {
    private final Programs programs;
    private final String name;

    private NetworkNamespace(Programs programs, String name) {
        this.programs = programs;
        this.name = name;
    }

    public static NetworkNamespace create(Programs programs, String name) {
        programs.require("/usr/sbin/ip", "iproute2");
        programs.ok(List.of("ip", "netns", "add", name));
        NetworkNamespace ns = new NetworkNamespace(programs, name);
        programs.ok(List.of("ip", "-n", name, "link", "set", "lo", "up"));
        return ns;
    }

    public String name() {
        return name;
    }

    /** The argument vector that runs {@code argv} inside this namespace. */
    public List<String> exec(List<String> argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(argv);
        return full;
    }

    @Override
    public void close() {
        programs.run(List.of("ip", "netns", "del", name));
    }
}

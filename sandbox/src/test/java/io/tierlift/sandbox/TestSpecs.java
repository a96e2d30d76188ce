package io.tierlift.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * Sandbox specs for tests. Bridge and subnet include a per-run number, so test runs from several work trees on one
 * machine use different devices, and none uses the defaults a developer's own sandbox runs on.
 */
final class TestSpecs {

    private static final int RUN = (int) (ProcessHandle.current().pid() % 250) + 1;

    private TestSpecs() {
    }

    /**
     * @param kind         a few letters naming the test class (bridge {@code tl-<kind><run>})
     * @param secondOctet  subnet is {@code 10.<secondOctet>.<run>.0/24}
     * @param names        hosts, addressed .11, .12, ...
     */
    static SandboxSpec spec(String kind, int secondOctet, String... names) {
        String prefix = "10." + secondOctet + "." + RUN + ".";
        List<SandboxHost> hosts = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            hosts.add(new SandboxHost(names[i], prefix + (11 + i)));
        }
        return new SandboxSpec("tl-" + kind + RUN, prefix + "0/24", prefix + "1", hosts);
    }
}

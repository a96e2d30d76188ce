package io.tierlift.cli.e2e;

import java.io.IOException;

/** {@link SeedTopologyBehaviour} on namespace hosts. */
class SeedTopologyTest extends SeedTopologyBehaviour {
    @Override
    protected SandboxWorld createWorld() throws IOException {
        return new SandboxWorld("seed-topology.yaml", 42, "tl-bres");
    }
}

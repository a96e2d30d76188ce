package io.tierlift.cli.e2e;

import java.io.IOException;

/** {@link SecretCanaryBehaviour} on namespace hosts, reached as root. */
class SecretCanaryTest extends SecretCanaryBehaviour {
    @Override
    protected SandboxWorld createWorld() throws IOException {
        return new SandboxWorld("sandbox.yaml", 43, "tl-brcan");
    }
}

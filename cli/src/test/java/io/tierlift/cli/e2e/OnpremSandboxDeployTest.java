package io.tierlift.cli.e2e;

import java.io.IOException;

/**
 * {@link OnpremDeployBehaviour} on namespace hosts: SSH servers in their own namespaces that share
 * this machine's installed software, reached as root. Fast, and what `tierlift demo` uses.
 */
class OnpremSandboxDeployTest extends OnpremDeployBehaviour {
    @Override
    protected SandboxWorld createWorld() throws IOException {
        return new SandboxWorld("sandbox.yaml", 41, "tl-bre2e");
    }
}

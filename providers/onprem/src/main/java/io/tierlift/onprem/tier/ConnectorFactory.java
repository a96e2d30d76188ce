package io.tierlift.onprem.tier;

import io.tierlift.model.OnpremTarget;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.JschConnector;

/** Makes the SSH connector for a run; the composition root picks the implementation (tests: a fake or the sandbox's). */
@FunctionalInterface
public interface ConnectorFactory {
    Connector create(OnpremTarget target, boolean acceptNewHostKeys);

    /** SSH through JSch with the descriptor's ssh settings. */
    static ConnectorFactory jsch() {
        return (target, acceptNewHostKeys) -> new JschConnector(target.ssh(), acceptNewHostKeys);
    }
}

package io.tierlift.cli;

import io.tierlift.model.OnpremTarget;
import io.tierlift.onprem.ssh.Connector;

/** Makes the SSH connector for a run; the composition root picks the implementation. */
@FunctionalInterface
public interface ConnectorFactory {
    Connector create(OnpremTarget target, boolean acceptNewHostKeys);
}

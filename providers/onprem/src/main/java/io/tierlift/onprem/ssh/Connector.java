package io.tierlift.onprem.ssh;

import io.tierlift.model.Host;

/** Opens connections to hosts; tests plug in fakes, production uses SSH. */
public interface Connector extends AutoCloseable {
    Connection connect(Host host);

    /** A new connection, not the reused one: proves that new SSH sessions still get through. */
    default Connection connectNew(Host host) {
        return connect(host);
    }

    @Override
    default void close() {
    }
}

package io.tierlift.onprem.ssh;

import io.tierlift.model.Host;

/** Opens connections to hosts; tests plug in fakes, production uses SSH. */
public interface Connector extends AutoCloseable {
    Connection connect(Host host);

    @Override
    default void close() {
    }
}

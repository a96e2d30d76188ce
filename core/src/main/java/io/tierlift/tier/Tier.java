package io.tierlift.tier;

import io.tierlift.provider.Target;

/**
 * One hosting tier behind one interface: every verb of the CLI for that target goes through here.
 * A verb the tier does not declare in its factory's {@link TierFactory#operations()} is refused by
 * the {@link TierRegistry} before the tier is opened. Close it to release its clients and tunnels.
 */
public interface Tier extends AutoCloseable {
    Target target();

    @Override
    void close();
}

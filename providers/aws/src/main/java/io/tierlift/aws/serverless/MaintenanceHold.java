package io.tierlift.aws.serverless;

import java.util.Optional;

/**
 * Where the alias points while a deploy changes the stacks, and how the deploy keeps maintenance on
 * for the code it publishes: read once before the deploy, so the alias never serves a version without
 * the maintenance switch while maintenance is on.
 */
public interface MaintenanceHold {
    /** The version the alias points at now; empty before the function exists. */
    Optional<String> aliasVersion();

    /** Whether the version the alias points at answers with the maintenance page. */
    boolean on();

    /**
     * Before the stacks change, while maintenance is on: the function's unpublished configuration
     * without the switch, so the version the stack publishes serves normally once maintenance ends
     * (the alias points at a published version: nothing served changes).
     */
    void clearUnpublished();

    /**
     * A version of the function's current code published with the switch on, described as serving
     * {@code servingVersion} outside maintenance; the alias does not move. Returns its number.
     */
    String publishMaintenanceVersion(String servingVersion);

    /** No function yet, or none to hold: the alias follows what the deploy publishes. */
    MaintenanceHold NONE = new MaintenanceHold() {
        @Override
        public Optional<String> aliasVersion() {
            return Optional.empty();
        }

        @Override
        public boolean on() {
            return false;
        }

        @Override
        public void clearUnpublished() {
        }

        @Override
        public String publishMaintenanceVersion(String servingVersion) {
            throw new IllegalStateException("maintenance is off: no maintenance version to publish");
        }
    };
}

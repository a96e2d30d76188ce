package io.tierlift.tier;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code deploy --rollback [--to RELEASE] [--force]}: back to {@code to}, or to the release before the
 * live one; {@code force} goes back even to a release older than the database's schema.
 */
public record RollbackRequest(Optional<String> to, boolean force) {
    public static final RollbackRequest PREVIOUS = new RollbackRequest(Optional.empty(), false);

    public RollbackRequest {
        Objects.requireNonNull(to);
    }
}

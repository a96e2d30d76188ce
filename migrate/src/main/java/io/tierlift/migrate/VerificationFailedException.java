package io.tierlift.migrate;

import java.util.List;

/**
 * The verify after the switch found the target's state at the cutover differing from the source's.
 * Traffic is already on the target; the message says which tables and key ranges differ and how to go back.
 */
public final class VerificationFailedException extends MigrationException {
    private final List<Verifier.Mismatch> mismatches;

    public VerificationFailedException(String message, List<Verifier.Mismatch> mismatches) {
        super(message);
        this.mismatches = List.copyOf(mismatches);
    }

    public List<Verifier.Mismatch> mismatches() {
        return mismatches;
    }
}

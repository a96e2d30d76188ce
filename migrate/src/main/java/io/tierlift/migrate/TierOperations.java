package io.tierlift.migrate;

/** Deploys the target tier with an empty database. The CLI wires the provider; tests pass a fake. */
public interface TierOperations {
    /** Idempotent: a second call finds the tier deployed and does nothing. */
    void provision();
}

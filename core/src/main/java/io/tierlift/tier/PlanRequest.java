package io.tierlift.tier;

/**
 * {@code plan}: {@code digest} identifies the descriptor the plan was made from (deploy --plan
 * compares it); offline plans read the descriptor alone, contacting no host or cloud.
 */
public record PlanRequest(String digest, boolean offline, boolean acceptNewHostKeys) {
}

package io.tierlift.tier;

/**
 * {@code plan}: {@code digest} identifies the descriptor the plan was made from (deploy --plan
 * compares it); offline plans read the descriptor alone, contacting no host or cloud.
 * {@code refreshImage} plans the deploy that moves the instances to the newest machine image.
 */
public record PlanRequest(String digest, boolean offline, boolean acceptNewHostKeys, boolean refreshImage) {
    public PlanRequest(String digest, boolean offline, boolean acceptNewHostKeys) {
        this(digest, offline, acceptNewHostKeys, false);
    }
}

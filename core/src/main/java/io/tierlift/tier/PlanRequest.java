package io.tierlift.tier;

/**
 * {@code plan}: {@code digest} identifies the descriptor the plan was made from (deploy --plan
 * compares it); offline plans read the descriptor alone, contacting no host or cloud.
 * {@code refreshImage} plans the deploy that moves the instances to the newest machine image.
 * {@code noBuild} takes the frontend's output folder as it is, without checking its sources.
 */
public record PlanRequest(String digest, boolean offline, boolean acceptNewHostKeys, boolean refreshImage, boolean noBuild) {
    public PlanRequest(String digest, boolean offline, boolean acceptNewHostKeys, boolean refreshImage) {
        this(digest, offline, acceptNewHostKeys, refreshImage, false);
    }

    public PlanRequest(String digest, boolean offline, boolean acceptNewHostKeys) {
        this(digest, offline, acceptNewHostKeys, false);
    }
}

package io.tierlift.aws.cloudfront;

import java.util.List;

/**
 * The invalidations one deploy made: their ids, the paths sent, and whether CloudFront reported
 * every one Completed before the wait ran out ({@code completed} is true when nothing was sent).
 */
public record InvalidationResult(String distributionId, List<String> invalidationIds, List<String> paths, boolean completed) {
    public InvalidationResult {
        invalidationIds = List.copyOf(invalidationIds);
        paths = List.copyOf(paths);
    }

    public static InvalidationResult none(String distributionId) {
        return new InvalidationResult(distributionId, List.of(), List.of(), true);
    }

    public boolean sent() {
        return !invalidationIds.isEmpty();
    }
}

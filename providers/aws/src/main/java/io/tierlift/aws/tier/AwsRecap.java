package io.tierlift.aws.tier;

import io.tierlift.aws.cloudfront.InvalidationResult;
import io.tierlift.tier.DeployOutcome.RecapRow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The recap rows both AWS tiers share: one per stack, and the CDN's invalidation. */
final class AwsRecap {
    private AwsRecap() {
    }

    static List<RecapRow> stacks(Map<String, Boolean> stacksChanged) {
        List<RecapRow> rows = new ArrayList<>();
        stacksChanged.forEach((stack, changed) -> rows.add(new RecapRow(stack, changed ? "changed" : "unchanged")));
        return rows;
    }

    static RecapRow site(int uploaded, long bytes, int staleDeleted) {
        return new RecapRow("site", uploaded + " file(s) uploaded (" + bytes + " bytes), " + staleDeleted + " stale deleted");
    }

    static RecapRow cdn(InvalidationResult invalidation) {
        return new RecapRow("cdn", !invalidation.sent() ? "nothing to invalidate"
                : invalidation.paths().size() + " path(s) invalidated (" + String.join(", ", invalidation.invalidationIds()) + ")"
                + (invalidation.completed() ? "" : ", still in progress"));
    }
}

package io.tierlift.plan;

import java.util.List;
import java.util.Optional;

/**
 * One resource in a plan: a file on a host, a service, a database role, a CloudFormation
 * resource. {@code diff} is a unified diff, absent for sensitive files and for AWS resources.
 */
public record PlannedChange(String address, String kind, Action action, String summary, Optional<String> diff,
                            List<String> reasons, boolean dataLoss) {
    public PlannedChange {
        reasons = List.copyOf(reasons);
    }

    public static PlannedChange of(String address, String kind, Action action, String summary) {
        return new PlannedChange(address, kind, action, summary, Optional.empty(), List.of(), false);
    }
}

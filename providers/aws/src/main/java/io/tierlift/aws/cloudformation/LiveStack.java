package io.tierlift.aws.cloudformation;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A stack as DescribeStacks reports it. {@code resolvedParameters} holds the values CloudFormation
 * looked up for parameters of SSM parameter types (their {@code parameters} value is the SSM name),
 * by parameter.
 */
public record LiveStack(String stackId, String stackName, String status, Optional<String> statusReason,
                        Map<String, String> parameters, Map<String, String> resolvedParameters, Map<String, String> tags,
                        Map<String, String> outputs, boolean terminationProtection, Instant createdAt,
                        Optional<Instant> lastUpdatedAt) {
    public LiveStack {
        parameters = Map.copyOf(parameters);
        resolvedParameters = Map.copyOf(resolvedParameters);
        tags = Map.copyOf(tags);
        outputs = Map.copyOf(outputs);
    }

    /** True when a parameter's value is looked up elsewhere at deploy time, so equal inputs may still change the stack. */
    public boolean parametersResolved() {
        return !resolvedParameters.isEmpty();
    }

    public boolean busy() {
        return status.endsWith("_IN_PROGRESS") && !"REVIEW_IN_PROGRESS".equals(status);
    }

    /** Created by a CREATE change set that was never executed: the stack has no resources yet. */
    public boolean underReview() {
        return "REVIEW_IN_PROGRESS".equals(status);
    }

    /** Left by a failed first create: it must be deleted before it can be created again. */
    public boolean failedCreate() {
        return switch (status) {
            case "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED" -> true;
            default -> false;
        };
    }

    /** A state in which the stack's template and parameters are the ones in effect. */
    public boolean stable() {
        return switch (status) {
            case "CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE",
                 "IMPORT_ROLLBACK_COMPLETE" -> true;
            default -> false;
        };
    }

    public String fingerprint() {
        return stackId + "@" + lastUpdatedAt.orElse(createdAt);
    }
}

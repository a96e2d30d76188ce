package io.tierlift.aws.cloudformation;

import java.util.List;
import java.util.Optional;

/**
 * What a deploy of one stack will change, read from a change set. When {@code noChanges} is true
 * there is nothing to execute and no change set is left behind. {@code changeSetId} is present
 * while the change set still exists in AWS ({@link StackDeployer#plan}), and empty for a plan whose
 * change set was already deleted ({@link StackDeployer#planOnly}).
 * {@code liveFingerprint} identifies the stack version the plan was made against (stack id and
 * last update time, or "absent"), so a saved plan can be refused when the stack moved since.
 */
public record ChangeSetPlan(StackRequest request, Optional<String> stackId, Optional<String> changeSetId,
                            ChangeSetKind kind, List<ResourceChange> changes, boolean noChanges,
                            String liveFingerprint) {
    public enum ChangeSetKind { CREATE, UPDATE }

    public ChangeSetPlan {
        changes = List.copyOf(changes);
    }

    public String stackName() {
        return request.stackName();
    }

    public boolean executable() {
        return !noChanges && changeSetId.isPresent();
    }
}

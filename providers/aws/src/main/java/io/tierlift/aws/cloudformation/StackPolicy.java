package io.tierlift.aws.cloudformation;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The stack policy a stack must carry, the resources it keeps from being replaced or deleted (a data
 * stack's databases), and whether this deploy was given the operator's consent to do so anyway.
 *
 * <p>CloudFormation enforces a stack's policy while a change set runs and takes no temporary policy
 * with ExecuteChangeSet: a change set that replaces or deletes a kept resource fails the update, which
 * CloudFormation then rolls back, after having changed everything before it. So such a change set is
 * refused before it runs; with consent, the stack carries {@link #ALLOW_ALL} for that one execution
 * and its own policy again right after, however the execution ended.
 */
public record StackPolicy(String body, List<String> protectedResources, ReplacementConsent consent) {
    /** Every update allowed: what the stack carries while a consented replacement runs (a policy can be replaced, not removed). */
    public static final String ALLOW_ALL = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"Update:*\","
            + "\"Resource\":\"*\"}]}";

    public StackPolicy {
        Objects.requireNonNull(body);
        protectedResources = List.copyOf(protectedResources);
        Objects.requireNonNull(consent);
    }

    public static StackPolicy keeping(String body, List<String> protectedResources) {
        return new StackPolicy(body, protectedResources, ReplacementConsent.NONE);
    }

    public StackPolicy withConsent(ReplacementConsent consent) {
        return new StackPolicy(body, protectedResources, consent);
    }

    /** The changes the policy denies: a kept resource replaced or removed. */
    public List<ResourceChange> denied(List<ResourceChange> changes) {
        return changes.stream().filter(c -> protectedResources.contains(c.logicalId()))
                .filter(c -> c.action() == ChangeAction.REMOVE
                        || c.action() == ChangeAction.MODIFY && c.replacement() == Replacement.TRUE)
                .toList();
    }

    /**
     * Changes to a kept resource that CloudFormation can tell only while updating whether they replace it
     * (Replacement "Conditional"): not refused, since the policy still stops a replacement and the update
     * is rolled back with the data kept, and consent in doubt would lift exactly that protection.
     */
    public List<ResourceChange> uncertain(List<ResourceChange> changes) {
        return changes.stream().filter(c -> protectedResources.contains(c.logicalId()))
                .filter(c -> c.action() == ChangeAction.MODIFY && c.replacement() == Replacement.CONDITIONAL)
                .toList();
    }

    /** Why a change set with {@code denied} changes is not executed, and what the operator can do. */
    public String refusal(String stackName, List<ResourceChange> denied) {
        return "stack " + stackName + ": the change set would " + describe(denied) + ", which the stack policy keeps; "
                + "CloudFormation would fail the update and roll it back, so nothing was executed. "
                + consent.flag().map(flag -> "To replace it on purpose, losing the data it holds, deploy again with " + flag)
                        .orElse("Change the descriptor so that the database is updated in place");
    }

    /** "replace Database (AWS::RDS::DBInstance: Properties.Engine changes, requires replacement)" for each change. */
    public static String describe(List<ResourceChange> changes) {
        return changes.stream().map(c -> (c.action() == ChangeAction.REMOVE ? "delete " : "replace ") + c.logicalId()
                        + " (" + c.resourceType() + (c.details().isEmpty() ? "" : ": " + String.join("; ", c.details())) + ")")
                .collect(Collectors.joining(" and "));
    }
}

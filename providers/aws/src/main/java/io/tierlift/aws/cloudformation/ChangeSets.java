package io.tierlift.aws.cloudformation;

import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsCalls;
import io.tierlift.provider.Progress;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.ResourceChangeDetail;
import software.amazon.awssdk.services.cloudformation.model.ResourceTargetDefinition;
import software.amazon.awssdk.services.cloudformation.model.Tag;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The change sets of one stack: created, waited for until computed, read as resource changes, and cleaned up. */
final class ChangeSets {
    private final Progress progress;
    private final Polling polling;
    private final Duration changeSetTimeout;
    private final Clock clock;
    private final AwsCalls aws = new AwsCalls("CloudFormation");

    ChangeSets(Progress progress, Polling polling, Duration changeSetTimeout, Clock clock) {
        this.progress = progress;
        this.polling = polling;
        this.changeSetTimeout = changeSetTimeout;
        this.clock = clock;
    }

    /** Creates the change set (a CREATE one for a stack that does not exist yet) without waiting for it. */
    CreateChangeSetResponse create(CloudFormationClient cfn, StackRequest request, boolean create, String changeSetName) {
        String name = request.stackName();
        return aws.call("CreateChangeSet", () -> cfn.createChangeSet(b -> b
                .stackName(name)
                .changeSetName(changeSetName)
                // The SDK resends a CreateChangeSet whose answer was lost (connection reset, timeout);
                // without a token CloudFormation refuses the resend as AlreadyExistsException although
                // its first copy went through. With one, the resend is recognised as the same request.
                .clientToken(changeSetName)
                .changeSetType(create ? ChangeSetType.CREATE : ChangeSetType.UPDATE)
                .templateBody(request.templateBody())
                .parameters(parameters(request.parameters()))
                .tags(tags(request.tags()))
                .capabilities(request.capabilities())
                .description("tierlift deploy of " + name)));
    }

    /** Waits until CloudFormation has computed the change set (CREATE_COMPLETE) or given up on it (FAILED). */
    DescribeChangeSetResponse waitFor(CloudFormationClient cfn, String name, String changeSetId) {
        Instant deadline = clock.instant().plus(changeSetTimeout);
        while (true) {
            DescribeChangeSetResponse response = aws.call("DescribeChangeSet",
                    () -> cfn.describeChangeSet(b -> b.changeSetName(changeSetId)));
            String status = response.statusAsString();
            if ("CREATE_COMPLETE".equals(status) || "FAILED".equals(status)) {
                return response;
            }
            if (status != null && status.startsWith("DELETE")) {
                throw new StackDeployException(name, "stack " + name + ": the change set was deleted while tierlift "
                        + "waited for it (" + status + "); another deploy may be running");
            }
            if (clock.instant().isAfter(deadline)) {
                throw new StackDeployException(name, "stack " + name + ": the change set is still " + status + " after "
                        + Polling.describe(changeSetTimeout) + "; it is left in AWS as " + changeSetId);
            }
            polling.pause(name);
        }
    }

    /** The resource changes of a computed change set, every page of them. */
    List<ResourceChange> changes(CloudFormationClient cfn, String changeSetId) {
        List<Change> all = aws.call("DescribeChangeSet", () -> {
            List<Change> changes = new ArrayList<>();
            cfn.describeChangeSetPaginator(b -> b.changeSetName(changeSetId)).forEach(page -> changes.addAll(page.changes()));
            return changes;
        });
        List<ResourceChange> out = new ArrayList<>();
        for (Change change : all) {
            var rc = change.resourceChange();
            if (rc == null) {
                continue;
            }
            Set<String> details = new LinkedHashSet<>();
            for (ResourceChangeDetail detail : rc.details()) {
                details.add(describe(detail));
            }
            out.add(new ResourceChange(ChangeAction.fromAws(rc.actionAsString()), rc.logicalResourceId(),
                    Optional.ofNullable(rc.physicalResourceId()), rc.resourceType(),
                    Replacement.fromAws(rc.replacementAsString()), rc.scopeAsStrings(), new ArrayList<>(details)));
        }
        return out;
    }

    /** "Properties.BucketName changes, requires replacement (because of DirectModification)" */
    private static String describe(ResourceChangeDetail detail) {
        ResourceTargetDefinition target = detail.target();
        if (target == null) {
            return "changes";
        }
        String what = Optional.ofNullable(target.attributeAsString()).orElse("resource")
                + Optional.ofNullable(target.name()).map(n -> "." + n).orElse("");
        String recreation = switch (Optional.ofNullable(target.requiresRecreationAsString()).orElse("Never")) {
            case "Always" -> ", requires replacement";
            case "Conditionally" -> ", may require replacement";
            default -> "";
        };
        String cause = Optional.ofNullable(detail.causingEntity())
                .map(c -> " (because " + c + " changes)")
                .orElse("");
        return what + " changes" + recreation + cause;
    }

    void deleteQuietly(CloudFormationClient cfn, String name, String changeSetId) {
        try {
            aws.call("DeleteChangeSet", () -> cfn.deleteChangeSet(b -> b.changeSetName(changeSetId)));
        } catch (AwsCallException e) {
            if (e.hasCode("ChangeSetNotFound")) {
                return;   // a resent delete whose first copy went through: the change set is gone, as wanted
            }
            // A leftover change set costs nothing and blocks nothing; say so and carry on.
            progress.warn(name, "could not delete change set " + changeSetId + ": " + e.getMessage());
        }
    }

    /** A CREATE change set leaves an empty stack in REVIEW_IN_PROGRESS; remove it so the name stays free. */
    void discardReviewStack(CloudFormationClient cfn, String name, String stackId) {
        if (stackId == null) {
            return;
        }
        try {
            aws.call("DeleteStack", () -> cfn.deleteStack(b -> b.stackName(stackId)));
        } catch (AwsCallException e) {
            progress.warn(name, "could not delete the empty stack left by the change set: " + e.getMessage());
        }
    }

    private static List<Parameter> parameters(Map<String, String> values) {
        List<Parameter> out = new ArrayList<>();
        values.forEach((k, v) -> out.add(Parameter.builder().parameterKey(k).parameterValue(v).build()));
        return out;
    }

    private static List<Tag> tags(Map<String, String> values) {
        List<Tag> out = new ArrayList<>();
        values.forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
        return out;
    }
}

package io.tierlift.aws.cloudformation;

import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.client.AwsClients;
import io.tierlift.provider.Progress;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.ResourceChangeDetail;
import software.amazon.awssdk.services.cloudformation.model.ResourceTargetDefinition;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.cloudformation.model.TemplateStage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies one CloudFormation stack through change sets, the way an operator would in the console:
 * compute a change set, show what it changes, execute it, follow the stack's events until it
 * settles. "No changes" is a success, not an error. Failures name the resource that failed first.
 *
 * <p>CloudFormation does the ordering, waiting and rollback; this class only drives it and waits.
 */
public final class StackDeployer {
    static final String NO_CHANGES = "The submitted information didn't contain changes";
    static final String NO_UPDATES = "No updates are to be performed.";
    private static final DateTimeFormatter CHANGE_SET_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private final Function<String, CloudFormationClient> clients;
    private final DeployerSettings settings;
    private final Progress progress;
    private final Sleeper sleeper;
    private final Clock clock;
    private final AwsCalls aws = new AwsCalls("CloudFormation");
    private final RootCause rootCause = new RootCause();

    public StackDeployer(AwsClients clients, DeployerSettings settings, Progress progress) {
        this(clients::cloudFormation, settings, progress, Sleeper.system(), Clock.systemUTC());
    }

    /** {@code clients} gives the CloudFormation client for a region (null: the default region). */
    public StackDeployer(Function<String, CloudFormationClient> clients, DeployerSettings settings, Progress progress,
                         Sleeper sleeper, Clock clock) {
        this.clients = clients;
        this.settings = settings;
        this.progress = progress;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** Plan and execute in one go. */
    public DeployResult deploy(StackRequest request) {
        return execute(plan(request));
    }

    /** Creates a change set and describes it; the change set stays in AWS for {@link #execute}. */
    public ChangeSetPlan plan(StackRequest request) {
        return prepare(request, false);
    }

    /**
     * The same plan, but read-only: the change set (and the empty stack a first plan creates in
     * REVIEW_IN_PROGRESS) is deleted again, and a rolled-back stack is left alone.
     */
    public ChangeSetPlan planOnly(StackRequest request) {
        return prepare(request, true);
    }

    /** The stack as it is now, or empty when it does not exist. */
    public Optional<LiveStack> status(String stackName, String region) {
        return describe(clients.apply(region), stackName);
    }

    private ChangeSetPlan prepare(StackRequest request, boolean readOnly) {
        int size = request.templateBody().getBytes(StandardCharsets.UTF_8).length;
        if (size > StackRequest.MAX_TEMPLATE_BODY_BYTES) {
            throw new StackDeployException(request.stackName(), "stack " + request.stackName() + ": the template is "
                    + size + " bytes, CloudFormation accepts at most " + StackRequest.MAX_TEMPLATE_BODY_BYTES
                    + " inline; split the stack");
        }
        CloudFormationClient cfn = clients.apply(request.region());
        String name = request.stackName();
        Optional<LiveStack> live = settle(cfn, name);
        if (live.isPresent() && live.get().failedCreate()) {
            if (readOnly) {
                ResourceChange recreate = new ResourceChange(ChangeAction.MODIFY, name, Optional.of(live.get().stackId()),
                        "AWS::CloudFormation::Stack", Replacement.TRUE, List.of(),
                        List.of("stack is " + live.get().status() + " after a failed create: deploy deletes it and creates it again"));
                return new ChangeSetPlan(request, Optional.of(live.get().stackId()), Optional.empty(),
                        ChangeSetPlan.ChangeSetKind.CREATE, List.of(recreate), false, live.get().fingerprint());
            }
            progress.warn(name, "stack is " + live.get().status() + " after a failed create"
                    + live.get().statusReason().map(r -> " (" + r + ")").orElse("") + "; deleting it before creating it again");
            deleteAndWait(cfn, live.get());
            live = Optional.empty();
        }
        String fingerprint = live.filter(s -> !s.underReview()).map(LiveStack::fingerprint).orElse("absent");
        if (live.isPresent() && sameAsLive(cfn, live.get(), request)) {
            progress.step(name, "no changes: template, parameters and tags match the live stack");
            return new ChangeSetPlan(request, Optional.of(live.get().stackId()), Optional.empty(),
                    ChangeSetPlan.ChangeSetKind.UPDATE, List.of(), true, fingerprint);
        }
        boolean create = live.isEmpty() || live.get().underReview();
        ChangeSetPlan.ChangeSetKind kind = create ? ChangeSetPlan.ChangeSetKind.CREATE : ChangeSetPlan.ChangeSetKind.UPDATE;
        String changeSetName = "tierlift-" + CHANGE_SET_TIME.format(clock.instant());
        progress.step(name, "creating change set " + changeSetName + " (" + kind.name().toLowerCase() + ")");
        CreateChangeSetResponse created = aws.call("CreateChangeSet", () -> cfn.createChangeSet(b -> b
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
        String changeSetId = created.id();
        String stackId = created.stackId();
        DescribeChangeSetResponse ready = waitForChangeSet(cfn, name, changeSetId);
        if ("FAILED".equals(ready.statusAsString())) {
            String reason = Optional.ofNullable(ready.statusReason()).orElse("no reason given");
            deleteChangeSetQuietly(cfn, name, changeSetId);
            if (reason.startsWith(NO_CHANGES) || reason.startsWith(NO_UPDATES)) {
                progress.step(name, "no changes");
                return new ChangeSetPlan(request, Optional.ofNullable(stackId), Optional.empty(), kind, List.of(), true,
                        fingerprint);
            }
            if (create) {
                discardReviewStack(cfn, name, stackId);
            }
            throw new StackDeployException(name, "stack " + name + ": CloudFormation rejected the change set: " + reason);
        }
        List<ResourceChange> changes = describeChanges(cfn, changeSetId);
        progress.step(name, changes.size() + " resource change(s) in " + changeSetName);
        if (readOnly) {
            deleteChangeSetQuietly(cfn, name, changeSetId);
            if (create) {
                discardReviewStack(cfn, name, stackId);
            }
            return new ChangeSetPlan(request, Optional.ofNullable(stackId), Optional.empty(), kind, changes, false, fingerprint);
        }
        return new ChangeSetPlan(request, Optional.ofNullable(stackId), Optional.of(changeSetId), kind, changes, false,
                fingerprint);
    }

    /** Executes a plan's change set and follows the stack until it settles; returns the outputs. */
    public DeployResult execute(ChangeSetPlan plan) {
        StackRequest request = plan.request();
        String name = request.stackName();
        CloudFormationClient cfn = clients.apply(request.region());
        if (plan.noChanges()) {
            LiveStack live = describe(cfn, plan.stackId().orElse(name))
                    .orElseThrow(() -> new StackDeployException(name, "stack " + name + " disappeared since it was planned"));
            protectIfAsked(cfn, request, live);
            return new DeployResult(name, live.stackId(), live.status(), false, live.outputs());
        }
        if (!plan.executable()) {
            throw new IllegalStateException("the plan for stack " + name + " has no change set to execute "
                    + "(it was made read-only); plan it again with plan()");
        }
        String stackId = plan.stackId().orElse(name);
        String changeSetId = plan.changeSetId().orElseThrow();
        Optional<String> marker = newestEventId(cfn, stackId);
        progress.step(name, "executing change set");
        aws.call("ExecuteChangeSet", () -> cfn.executeChangeSet(b -> b
                .changeSetName(changeSetId)
                .clientRequestToken(executionToken(changeSetId))));
        Followed followed = follow(cfn, name, stackId, marker);
        if (!followed.status().equals("CREATE_COMPLETE") && !followed.status().equals("UPDATE_COMPLETE")
                && !followed.status().equals("IMPORT_COMPLETE")) {
            throw failure(name, followed);
        }
        LiveStack live = followed.stack().orElseThrow();
        protectIfAsked(cfn, request, live);
        progress.step(name, followed.status());
        return new DeployResult(name, live.stackId(), live.status(), true, live.outputs());
    }

    /**
     * Deletes a stack and waits until it is gone. Returns false when there was nothing to delete.
     * A stack with termination protection is refused with how to lift it: tierlift never turns
     * protection off by itself.
     */
    public boolean deleteStack(String stackName, String region) {
        CloudFormationClient cfn = clients.apply(region);
        Optional<LiveStack> live = settle(cfn, stackName);
        if (live.isEmpty()) {
            progress.step(stackName, "stack does not exist; nothing to delete");
            return false;
        }
        if (live.get().terminationProtection()) {
            throw new StackDeployException(stackName, Optional.of(live.get().status()), Optional.empty(),
                    "stack " + stackName + " has termination protection on; turn it off first "
                            + "(aws cloudformation update-termination-protection --no-enable-termination-protection "
                            + "--stack-name " + stackName + ") and delete again", null);
        }
        deleteAndWait(cfn, live.get());
        return true;
    }

    private void deleteAndWait(CloudFormationClient cfn, LiveStack live) {
        String name = live.stackName();
        Optional<String> marker = newestEventId(cfn, live.stackId());
        progress.step(name, "deleting stack");
        aws.call("DeleteStack", () -> cfn.deleteStack(b -> b.stackName(live.stackId())
                .clientRequestToken("tierlift-delete-" + CHANGE_SET_TIME.format(clock.instant()))));
        Followed followed = follow(cfn, name, live.stackId(), marker);
        if (!"DELETE_COMPLETE".equals(followed.status())) {
            throw failure(name, followed);
        }
        progress.step(name, "DELETE_COMPLETE");
    }

    /**
     * Reads the stack and, when another operation is running on it, waits for that to end (or
     * refuses, by setting). Stacks that can't be changed until someone acts are refused with what to do.
     */
    private Optional<LiveStack> settle(CloudFormationClient cfn, String name) {
        Optional<LiveStack> live = describe(cfn, name);
        if (live.isPresent() && live.get().busy()) {
            LiveStack busy = live.get();
            if (!settings.waitForBusyStack()) {
                throw new StackDeployException(name, Optional.of(busy.status()), Optional.empty(), "stack " + name
                        + " is " + busy.status() + ": another operation is running on it; wait for it to end and try again", null);
            }
            progress.step(name, "stack is " + busy.status() + "; waiting for the running operation to end");
            follow(cfn, name, busy.stackId(), newestEventId(cfn, busy.stackId()));
            live = describe(cfn, name);
        }
        if (live.isPresent()) {
            String status = live.get().status();
            if ("UPDATE_ROLLBACK_FAILED".equals(status)) {
                throw new StackDeployException(name, Optional.of(status), Optional.empty(), "stack " + name
                        + " is UPDATE_ROLLBACK_FAILED" + live.get().statusReason().map(r -> " (" + r + ")").orElse("")
                        + ": fix the resource named in its events, continue the rollback (aws cloudformation "
                        + "continue-update-rollback --stack-name " + name + "), then deploy again", null);
            }
            if ("DELETE_FAILED".equals(status)) {
                throw new StackDeployException(name, Optional.of(status), Optional.empty(), "stack " + name
                        + " is DELETE_FAILED" + live.get().statusReason().map(r -> " (" + r + ")").orElse("")
                        + ": a delete did not finish; fix the resource named in its events and delete the stack again", null);
            }
        }
        return live;
    }

    /**
     * True when the request would change nothing: the live template, parameters and tags are the
     * requested ones. Saves a change set round trip, and some emulators report spurious changes
     * for an identical template.
     */
    private boolean sameAsLive(CloudFormationClient cfn, LiveStack live, StackRequest request) {
        if (!live.stable() || live.parametersResolved()) {
            return false;
        }
        if (!live.parameters().equals(request.parameters()) || !live.tags().equals(request.tags())) {
            return false;
        }
        String template = aws.call("GetTemplate", () -> cfn.getTemplate(b -> b.stackName(live.stackId())
                .templateStage(TemplateStage.ORIGINAL))).templateBody();
        return request.templateBody().equals(template);
    }

    private void protectIfAsked(CloudFormationClient cfn, StackRequest request, LiveStack live) {
        if (request.terminationProtection() && !live.terminationProtection()) {
            aws.call("UpdateTerminationProtection", () -> cfn.updateTerminationProtection(b -> b
                    .stackName(live.stackId()).enableTerminationProtection(true)));
            progress.step(request.stackName(), "termination protection enabled");
        }
    }

    private DescribeChangeSetResponse waitForChangeSet(CloudFormationClient cfn, String name, String changeSetId) {
        Instant deadline = clock.instant().plus(settings.changeSetTimeout());
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
                        + minutes(settings.changeSetTimeout()) + "; it is left in AWS as " + changeSetId);
            }
            pause(name);
        }
    }

    private List<ResourceChange> describeChanges(CloudFormationClient cfn, String changeSetId) {
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

    private record Followed(String status, Optional<LiveStack> stack, List<StackEvent> events) {
    }

    /**
     * Follows a stack until it leaves *_IN_PROGRESS, printing each new event once, oldest first.
     * "New" means after {@code marker}, the newest event seen before the operation started: event
     * ids, unlike local clocks, can't be skewed against AWS's.
     */
    private Followed follow(CloudFormationClient cfn, String name, String stackId, Optional<String> marker) {
        Instant deadline = clock.instant().plus(settings.stackTimeout());
        Set<String> seen = new HashSet<>();
        marker.ifPresent(seen::add);
        List<StackEvent> events = new ArrayList<>();
        while (true) {
            Optional<LiveStack> live = describe(cfn, stackId);
            for (StackEvent event : eventsSince(cfn, stackId, seen)) {
                seen.add(event.eventId());
                events.add(event);
                progress.step(name, event.describe());
            }
            // A deleted stack may no longer be found by id, depending on the endpoint.
            String status = live.map(LiveStack::status).orElse("DELETE_COMPLETE");
            if (!status.endsWith("_IN_PROGRESS")) {
                return new Followed(status, live, events);
            }
            if (clock.instant().isAfter(deadline)) {
                throw new StackDeployException(name, Optional.of(status), Optional.empty(), "stack " + name
                        + " is still " + status + " after " + minutes(settings.stackTimeout())
                        + "; CloudFormation carries on: follow it with 'tierlift status' or in the console", null);
            }
            pause(name);
        }
    }

    /** Events newer than any in {@code seen}, oldest first. AWS lists newest first, page by page. */
    private List<StackEvent> eventsSince(CloudFormationClient cfn, String stackId, Set<String> seen) {
        List<StackEvent> fresh = new ArrayList<>();
        try {
            aws.call("DescribeStackEvents", () -> {
                for (var event : cfn.describeStackEventsPaginator(b -> b.stackName(stackId)).stackEvents()) {
                    if (seen.contains(event.eventId())) {
                        break;
                    }
                    fresh.add(new StackEvent(event.eventId(), event.timestamp(), event.logicalResourceId(),
                            event.resourceType(), event.resourceStatusAsString(),
                            Optional.ofNullable(event.resourceStatusReason()).filter(r -> !r.isBlank())));
                }
                return null;
            });
        } catch (AwsCallException e) {
            if (!notFound(e)) {
                throw e;
            }
        }
        Collections.reverse(fresh);
        return fresh;
    }

    private Optional<String> newestEventId(CloudFormationClient cfn, String stackId) {
        try {
            return aws.call("DescribeStackEvents", () -> cfn.describeStackEvents(b -> b.stackName(stackId))
                    .stackEvents().stream().findFirst().map(e -> e.eventId()));
        } catch (AwsCallException e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private StackDeployException failure(String name, Followed followed) {
        Optional<StackEvent> cause = rootCause.find(followed.events());
        String why = cause.map(e -> e.logicalId() + " (" + e.resourceType() + ") " + e.status()
                        + e.reason().map(r -> ": " + r).orElse(""))
                .or(() -> followed.stack().flatMap(LiveStack::statusReason))
                .orElse("CloudFormation gave no reason; see the stack's events");
        return new StackDeployException(name, Optional.of(followed.status()), cause,
                "stack " + name + " failed (" + followed.status() + "): " + why, null);
    }

    private Optional<LiveStack> describe(CloudFormationClient cfn, String nameOrId) {
        try {
            List<Stack> stacks = aws.call("DescribeStacks", () -> cfn.describeStacks(b -> b.stackName(nameOrId)).stacks());
            return stacks.stream().findFirst().map(StackDeployer::toLive);
        } catch (AwsCallException e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static LiveStack toLive(Stack stack) {
        Map<String, String> parameters = new LinkedHashMap<>();
        boolean resolved = false;
        for (Parameter p : stack.parameters()) {
            parameters.put(p.parameterKey(), p.parameterValue() == null ? "" : p.parameterValue());
            resolved |= p.resolvedValue() != null;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag t : stack.tags()) {
            tags.put(t.key(), t.value());
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Output o : stack.outputs()) {
            outputs.put(o.outputKey(), o.outputValue() == null ? "" : o.outputValue());
        }
        return new LiveStack(stack.stackId(), stack.stackName(), stack.stackStatusAsString(),
                Optional.ofNullable(stack.stackStatusReason()).filter(r -> !r.isBlank()), parameters, resolved, tags,
                outputs, Boolean.TRUE.equals(stack.enableTerminationProtection()),
                stack.creationTime() == null ? Instant.EPOCH : stack.creationTime(),
                Optional.ofNullable(stack.lastUpdatedTime()));
    }

    /** CloudFormation reports a missing stack as a 400 ValidationError "Stack with id X does not exist". */
    private static boolean notFound(AwsCallException e) {
        return e.hasCode("ValidationError") && e.getMessage().contains("does not exist");
    }

    private void deleteChangeSetQuietly(CloudFormationClient cfn, String name, String changeSetId) {
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
    private void discardReviewStack(CloudFormationClient cfn, String name, String stackId) {
        if (stackId == null) {
            return;
        }
        try {
            aws.call("DeleteStack", () -> cfn.deleteStack(b -> b.stackName(stackId)));
        } catch (AwsCallException e) {
            progress.warn(name, "could not delete the empty stack left by the change set: " + e.getMessage());
        }
    }

    private void pause(String name) {
        try {
            sleeper.sleep(settings.pollInterval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackDeployException(name, "interrupted while waiting for stack " + name
                    + "; any running CloudFormation operation carries on");
        }
    }

    /** Makes ExecuteChangeSet safe to retry: a repeated call with the same token is not a second execution. */
    private static String executionToken(String changeSetId) {
        String id = changeSetId.substring(changeSetId.lastIndexOf('/') + 1).replaceAll("[^-a-zA-Z0-9]", "");
        String token = "tierlift-" + id;
        return token.length() > 128 ? token.substring(0, 128) : token;
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

    private static String minutes(Duration duration) {
        return duration.toMinutes() >= 1 ? duration.toMinutes() + " min" : duration.toMillis() + " ms";
    }
}

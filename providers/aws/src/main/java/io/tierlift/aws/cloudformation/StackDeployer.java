package io.tierlift.aws.cloudformation;

import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.client.AwsClients;
import io.tierlift.provider.Progress;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.TemplateStage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Applies one CloudFormation stack through change sets, the way an operator would in the console:
 * compute a change set, show what it changes, execute it, follow the stack's events until it
 * settles. "No changes" is a success, not an error. Failures name the resource that failed first.
 *
 * <p>CloudFormation does the ordering, waiting and rollback; this class only drives it and waits.
 * The change sets themselves are {@link ChangeSets}' job, following events {@link StackEvents}'.
 */
public final class StackDeployer {
    private static final DateTimeFormatter CHANGE_SET_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private final Function<String, CloudFormationClient> clients;
    private final DeployerSettings settings;
    private final Progress progress;
    private final Clock clock;
    private final AwsCalls aws = new AwsCalls("CloudFormation");
    private final StackReader reader = new StackReader();
    private final NoChangeCheck noChange = new NoChangeCheck();
    private final StackEvents events;
    private final ChangeSets changeSets;

    public StackDeployer(AwsClients clients, DeployerSettings settings, Progress progress) {
        this(clients::cloudFormation, settings, progress, Sleeper.system(), Clock.systemUTC());
    }

    /** {@code clients} gives the CloudFormation client for a region (null: the default region). */
    public StackDeployer(Function<String, CloudFormationClient> clients, DeployerSettings settings, Progress progress,
                         Sleeper sleeper, Clock clock) {
        this.clients = clients;
        this.settings = settings;
        this.progress = progress;
        this.clock = clock;
        Polling polling = new Polling(sleeper, settings.pollInterval());
        this.events = new StackEvents(reader, progress, polling, settings.stackTimeout(), clock);
        this.changeSets = new ChangeSets(progress, polling, settings.changeSetTimeout(), clock);
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
        return reader.describe(clients.apply(region), stackName);
    }

    /** The template the live stack was last deployed with, as it was submitted. */
    public String template(LiveStack live, String region) {
        return aws.call("GetTemplate", () -> clients.apply(region).getTemplate(b -> b.stackName(live.stackId())
                .templateStage(TemplateStage.ORIGINAL))).templateBody();
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
                return recreationPlan(request, live.get());
            }
            progress.warn(name, "stack is " + live.get().status() + " after a failed create"
                    + live.get().statusReason().map(r -> " (" + r + ")").orElse("") + "; deleting it before creating it again");
            deleteAndWait(cfn, live.get());
            live = Optional.empty();
        }
        String fingerprint = live.filter(s -> !s.underReview()).map(LiveStack::fingerprint).orElse("absent");
        if (live.isPresent() && noChange.sameAsLive(cfn, live.get(), request)) {
            progress.step(name, "no changes: template, parameters and tags match the live stack");
            return new ChangeSetPlan(request, Optional.of(live.get().stackId()), Optional.empty(),
                    ChangeSetPlan.ChangeSetKind.UPDATE, List.of(), true, fingerprint);
        }
        boolean create = live.isEmpty() || live.get().underReview();
        ChangeSetPlan.ChangeSetKind kind = create ? ChangeSetPlan.ChangeSetKind.CREATE : ChangeSetPlan.ChangeSetKind.UPDATE;
        String changeSetName = "tierlift-" + CHANGE_SET_TIME.format(clock.instant());
        progress.step(name, "creating change set " + changeSetName + " (" + kind.name().toLowerCase() + ")");
        CreateChangeSetResponse created = changeSets.create(cfn, request, create, changeSetName);
        String changeSetId = created.id();
        String stackId = created.stackId();
        DescribeChangeSetResponse ready = changeSets.waitFor(cfn, name, changeSetId);
        if ("FAILED".equals(ready.statusAsString())) {
            String reason = Optional.ofNullable(ready.statusReason()).orElse("no reason given");
            changeSets.deleteQuietly(cfn, name, changeSetId);
            if (NoChangeCheck.isNoChangeReason(reason)) {
                progress.step(name, "no changes");
                return new ChangeSetPlan(request, Optional.ofNullable(stackId), Optional.empty(), kind, List.of(), true,
                        fingerprint);
            }
            if (create) {
                changeSets.discardReviewStack(cfn, name, stackId);
            }
            throw new StackDeployException(name, "stack " + name + ": CloudFormation rejected the change set: " + reason);
        }
        List<ResourceChange> changes = changeSets.changes(cfn, changeSetId);
        progress.step(name, changes.size() + " resource change(s) in " + changeSetName);
        if (readOnly) {
            changeSets.deleteQuietly(cfn, name, changeSetId);
            if (create) {
                changeSets.discardReviewStack(cfn, name, stackId);
            }
            return new ChangeSetPlan(request, Optional.ofNullable(stackId), Optional.empty(), kind, changes, false, fingerprint);
        }
        return new ChangeSetPlan(request, Optional.ofNullable(stackId), Optional.of(changeSetId), kind, changes, false,
                fingerprint);
    }

    /** What a deploy does to a stack left by a failed create, said by a read-only plan that leaves the stack alone. */
    private static ChangeSetPlan recreationPlan(StackRequest request, LiveStack live) {
        ResourceChange recreate = new ResourceChange(ChangeAction.MODIFY, request.stackName(), Optional.of(live.stackId()),
                "AWS::CloudFormation::Stack", Replacement.TRUE, List.of(),
                List.of("stack is " + live.status() + " after a failed create: deploy deletes it and creates it again"));
        return new ChangeSetPlan(request, Optional.of(live.stackId()), Optional.empty(),
                ChangeSetPlan.ChangeSetKind.CREATE, List.of(recreate), false, live.fingerprint());
    }

    /** Executes a plan's change set and follows the stack until it settles; returns the outputs. */
    public DeployResult execute(ChangeSetPlan plan) {
        StackRequest request = plan.request();
        String name = request.stackName();
        CloudFormationClient cfn = clients.apply(request.region());
        if (plan.noChanges()) {
            LiveStack live = reader.describe(cfn, plan.stackId().orElse(name))
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
        boolean creating = plan.kind() == ChangeSetPlan.ChangeSetKind.CREATE;
        boolean lifted = applyStackPolicy(cfn, plan, stackId, creating);
        StackEvents.Followed followed;
        try {
            Optional<String> marker = events.newestEventId(cfn, stackId);
            progress.step(name, "executing change set");
            aws.call("ExecuteChangeSet", () -> cfn.executeChangeSet(b -> b
                    .changeSetName(changeSetId)
                    .clientRequestToken(executionToken(changeSetId))));
            followed = events.follow(cfn, name, stackId, marker);
        } finally {
            if (lifted) {
                restoreStackPolicy(cfn, request, stackId);
            }
        }
        if (!followed.status().equals("CREATE_COMPLETE") && !followed.status().equals("UPDATE_COMPLETE")
                && !followed.status().equals("IMPORT_COMPLETE")) {
            throw events.failure(name, followed);
        }
        LiveStack live = followed.stack().orElseThrow();
        protectIfAsked(cfn, request, live);
        if (creating) {
            ensureStackPolicy(cfn, request, live.stackId());
        }
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

    /**
     * Deletes a stack whose create failed (ROLLBACK_COMPLETE and the like), so that it can be created
     * again. Such a stack never held anything worth keeping, so termination protection (which an
     * earlier version set at create time) is lifted first.
     */
    public void deleteFailedCreate(String stackName, String region) {
        CloudFormationClient cfn = clients.apply(region);
        Optional<LiveStack> live = settle(cfn, stackName);
        if (live.isEmpty()) {
            return;
        }
        if (!live.get().failedCreate()) {
            throw new IllegalStateException("stack " + stackName + " is " + live.get().status() + ", not a failed create");
        }
        if (live.get().terminationProtection()) {
            aws.call("UpdateTerminationProtection", () -> cfn.updateTerminationProtection(b -> b
                    .stackName(live.get().stackId()).enableTerminationProtection(false)));
            progress.step(stackName, "termination protection lifted: the stack's create failed, so it holds nothing");
        }
        deleteAndWait(cfn, live.get());
    }

    private void deleteAndWait(CloudFormationClient cfn, LiveStack live) {
        String name = live.stackName();
        Optional<String> marker = events.newestEventId(cfn, live.stackId());
        progress.step(name, "deleting stack");
        aws.call("DeleteStack", () -> cfn.deleteStack(b -> b.stackName(live.stackId())
                .clientRequestToken("tierlift-delete-" + CHANGE_SET_TIME.format(clock.instant()))));
        StackEvents.Followed followed = events.follow(cfn, name, live.stackId(), marker);
        if (!"DELETE_COMPLETE".equals(followed.status())) {
            throw events.failure(name, followed);
        }
        progress.step(name, "DELETE_COMPLETE");
    }

    /**
     * Reads the stack and, when another operation is running on it, waits for that to end (or
     * refuses, by setting). Stacks that can't be changed until someone acts are refused with what to do.
     */
    private Optional<LiveStack> settle(CloudFormationClient cfn, String name) {
        Optional<LiveStack> live = reader.describe(cfn, name);
        if (live.isPresent() && live.get().busy()) {
            LiveStack busy = live.get();
            if (!settings.waitForBusyStack()) {
                throw new StackDeployException(name, Optional.of(busy.status()), Optional.empty(), "stack " + name
                        + " is " + busy.status() + ": another operation is running on it; wait for it to end and try again", null);
            }
            progress.step(name, "stack is " + busy.status() + "; waiting for the running operation to end");
            events.follow(cfn, name, busy.stackId(), events.newestEventId(cfn, busy.stackId()));
            live = reader.describe(cfn, name);
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
     * Sets the request's stack policy unless the stack already carries it: before an update's change
     * set runs (a stack created before the policy existed gets it then, before the update could
     * replace what the policy keeps), and right after a create.
     */
    private void ensureStackPolicy(CloudFormationClient cfn, StackRequest request, String stackId) {
        if (request.stackPolicy().isEmpty()) {
            return;
        }
        String wanted = request.stackPolicy().get().body();
        String current = aws.call("GetStackPolicy", () -> cfn.getStackPolicy(b -> b.stackName(stackId))).stackPolicyBody();
        if (wanted.equals(current)) {
            return;
        }
        setStackPolicy(cfn, stackId, wanted);
        progress.step(request.stackName(), "stack policy set: the database may be updated in place, never replaced or deleted");
    }

    /**
     * Before a change set runs: one that replaces or deletes what the stack's policy keeps is refused
     * (and deleted) unless the operator consented, and then the policy is lifted for it (true: set it
     * back once the execution ends); otherwise an updated stack is made sure to carry its policy.
     */
    private boolean applyStackPolicy(CloudFormationClient cfn, ChangeSetPlan plan, String stackId, boolean creating) {
        StackRequest request = plan.request();
        String name = request.stackName();
        if (request.stackPolicy().isEmpty()) {
            return false;
        }
        StackPolicy policy = request.stackPolicy().get();
        List<ResourceChange> uncertain = policy.uncertain(plan.changes());
        if (!uncertain.isEmpty()) {
            progress.warn(name, "the change set may " + StackPolicy.describe(uncertain) + " (CloudFormation knows only "
                    + "while updating); if it does, the stack policy fails the update and it is rolled back");
        }
        List<ResourceChange> denied = policy.denied(plan.changes());
        if (denied.isEmpty()) {
            if (!creating) {
                ensureStackPolicy(cfn, request, stackId);
            }
            return false;
        }
        if (!policy.consent().given()) {
            changeSets.deleteQuietly(cfn, name, plan.changeSetId().orElseThrow());
            throw new StackDeployException(name, policy.refusal(name, denied));
        }
        setStackPolicy(cfn, stackId, StackPolicy.ALLOW_ALL);
        progress.warn(name, "stack policy lifted for this change set, which will " + StackPolicy.describe(denied));
        return true;
    }

    private void setStackPolicy(CloudFormationClient cfn, String stackId, String body) {
        aws.call("SetStackPolicy", () -> cfn.setStackPolicy(b -> b.stackName(stackId).stackPolicyBody(body)));
    }

    /**
     * Puts the stack's own policy back after a consented replacement, whether its execution succeeded,
     * failed or timed out. When that fails too, the stack is left without its protection: say so loudly.
     * tierlift itself sets the policy again before its next update of the stack runs.
     */
    private void restoreStackPolicy(CloudFormationClient cfn, StackRequest request, String stackId) {
        try {
            setStackPolicy(cfn, stackId, request.stackPolicy().orElseThrow().body());
            progress.step(request.stackName(), "stack policy restored: the database is kept from replacement and deletion again");
        } catch (RuntimeException e) {
            progress.warn(request.stackName(), "could not restore the stack policy (" + e.getMessage() + "): the database "
                    + "is NOT protected from replacement or deletion by updates made outside tierlift; tierlift's next deploy "
                    + "sets the policy again before it updates this stack");
        }
    }

    /** Turns termination protection on for a stack created without it (stacks are protected only once created). */
    public void protectIfAsked(StackRequest request, LiveStack live) {
        protectIfAsked(clients.apply(request.region()), request, live);
    }

    private void protectIfAsked(CloudFormationClient cfn, StackRequest request, LiveStack live) {
        if (request.terminationProtection() && !live.terminationProtection()) {
            aws.call("UpdateTerminationProtection", () -> cfn.updateTerminationProtection(b -> b
                    .stackName(live.stackId()).enableTerminationProtection(true)));
            progress.step(request.stackName(), "termination protection enabled");
        }
    }

    /** Makes ExecuteChangeSet safe to retry: a repeated call with the same token is not a second execution. */
    private static String executionToken(String changeSetId) {
        String id = changeSetId.substring(changeSetId.lastIndexOf('/') + 1).replaceAll("[^-a-zA-Z0-9]", "");
        String token = "tierlift-" + id;
        return token.length() > 128 ? token.substring(0, 128) : token;
    }
}

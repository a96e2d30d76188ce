package io.tierlift.aws;

import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.PlannedChangeMapper;
import io.tierlift.aws.cloudformation.ReplacementConsent;
import io.tierlift.aws.cloudformation.ResourceChange;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.aws.s3.S3Objects;
import io.tierlift.aws.s3.S3Sync;
import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The plan of an AWS target against what is live, changing nothing: a change set per existing
 * stack (deleted again), every template resource as a creation for a stack still to create, and
 * each file of the React build compared with the one in the site bucket.
 */
public final class LiveStackPlanner {
    private final TargetPlan target;
    private final StackDeployer stacks;
    private final Function<String, S3Client> s3;
    private final Progress progress;
    private final PlannedChangeMapper mapper = new PlannedChangeMapper();

    public LiveStackPlanner(String target, StackDeployer stacks, Function<String, S3Client> s3, Progress progress, Clock clock) {
        this.target = new TargetPlan(target, clock);
        this.stacks = stacks;
        this.s3 = s3;
        this.progress = progress;
    }

    /** The planned stack changes, the live stacks' fingerprints and the outputs of the stacks that exist, by key. */
    public record PlannedStacks(List<PlannedChange> changes, Map<String, String> fingerprints,
                                Map<String, Map<String, String>> outputs) {
        public Optional<String> output(String stackKey, String name) {
            return Optional.ofNullable(outputs.getOrDefault(stackKey, Map.of()).get(name));
        }
    }

    /**
     * Stacks in order. Once one does not exist, it and every later stack are listed as created
     * from their templates: their parameters need its outputs, so no change set can be made for them.
     */
    public PlannedStacks stacks(StackPlan plan, String version, DeployTimeValues deployTime) {
        return stacks(plan, version, deployTime, ReplacementConsent.NONE);
    }

    /**
     * {@link #stacks(StackPlan, String, DeployTimeValues)}, saying of each change to a database its stack's
     * policy keeps what deploy does with it given {@code consent}: refuses it, or lifts the policy for it.
     */
    public PlannedStacks stacks(StackPlan plan, String version, DeployTimeValues deployTime, ReplacementConsent consent) {
        List<PlannedChange> changes = new ArrayList<>();
        Map<String, String> fingerprints = new TreeMap<>();
        Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
        boolean upstreamMissing = false;
        for (StackSpec spec : plan.stacks()) {
            Optional<LiveStack> live = stacks.status(spec.name(), spec.region());
            live.ifPresent(l -> fingerprints.put(spec.name(), l.fingerprint()));
            if (live.isEmpty() || upstreamMissing) {
                upstreamMissing = true;
                spec.template().resources().forEach(resource -> changes.add(PlannedChange.of(target.resource(spec, resource.logicalId()),
                        resource.type(), Action.CREATE, "create (new stack " + spec.name() + ")")));
                continue;
            }
            outputs.put(spec.key(), live.get().outputs());
            Map<String, String> parameters = StackSet.parameters(spec, plan, outputs, deployTime);
            StackRequest request = StackSet.request(spec, parameters, plan, version, consent);
            List<ResourceChange> planned = stacks.planOnly(request).changes();
            List<ResourceChange> denied = request.stackPolicy().map(p -> p.denied(planned)).orElse(List.of());
            List<ResourceChange> uncertain = request.stackPolicy().map(p -> p.uncertain(planned)).orElse(List.of());
            for (ResourceChange change : planned) {
                PlannedChange mapped = mapper.map(spec.name(), change);
                List<String> reasons = new ArrayList<>(mapped.reasons());
                if (denied.contains(change)) {
                    reasons.add(consent.given()
                            ? "the stack policy keeps this database; " + consent.flag().orElseThrow()
                                    + " lifts it for this change set and sets it again after"
                            : "the stack policy keeps this database: deploy refuses this change before changing anything"
                                    + consent.flag().map(flag -> ", unless given " + flag).orElse(""));
                } else if (uncertain.contains(change)) {
                    reasons.add("the stack policy keeps this database: if the update replaces it, CloudFormation fails "
                            + "the update and rolls it back");
                }
                changes.add(new PlannedChange(target.resource(spec, change.logicalId()), mapped.kind(), mapped.action(),
                        mapped.summary(), mapped.diff(), reasons, mapped.dataLoss()));
            }
        }
        return new PlannedStacks(changes, fingerprints, outputs);
    }

    /** Each file of the React build: unchanged when the bucket holds the same content, else an upload; all uploads without a bucket yet. */
    public List<PlannedChange> site(AppDescriptor descriptor, Optional<String> bucket, String region) {
        List<PlannedChange> changes = new ArrayList<>();
        for (Map.Entry<String, Path> file : StackSet.siteFiles(descriptor).entrySet()) {
            Action action = bucket.map(b -> compare(b, region, file.getKey(), file.getValue())).orElse(Action.CREATE);
            changes.add(PlannedChange.of(target.siteFile(file.getKey()), "s3-object", action,
                    action == Action.NO_OP ? "unchanged" : action == Action.CREATE ? "upload" : "upload the changed file"));
        }
        return changes;
    }

    public Plan plan(AppDescriptor descriptor, String digest, List<PlannedChange> changes, Map<String, String> fingerprints) {
        return target.plan(descriptor, digest, changes, fingerprints);
    }

    private Action compare(String bucket, String region, String key, Path file) {
        return new S3Objects(s3.apply(region), progress).head(bucket, key)
                .map(head -> S3Sync.sha256(file).equals(head.metadata().get(S3Sync.SHA256_METADATA)) ? Action.NO_OP : Action.UPDATE)
                .orElse(Action.CREATE);
    }
}

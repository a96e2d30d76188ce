package io.tierlift.aws.iaas;

import io.tierlift.aws.LiveStackPlanner;
import io.tierlift.aws.StackSet;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.aws.s3.ReleaseMigrationRecords;
import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.tier.ReleaseEntry;
import io.tierlift.tier.RollbackChoice;
import io.tierlift.tier.RollbackRequest;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.tierlift.aws.iaas.AwsIaasDeployer.ARTIFACTS;
import static io.tierlift.aws.iaas.AwsIaasDeployer.ARTIFACT_BUCKET_OUTPUT;
import static io.tierlift.aws.iaas.AwsIaasDeployer.COMPUTE;
import static io.tierlift.aws.iaas.AwsIaasDeployer.RELEASES_PREFIX;
import static io.tierlift.aws.iaas.AwsIaasDeployer.RELEASE_KEY_PARAMETER;
import static io.tierlift.aws.iaas.AwsIaasDeployer.RELEASE_SUFFIX;
import static io.tierlift.aws.iaas.AwsIaasDeployer.TARGET;

/**
 * The aws-iaas releases: the backend artifacts the artifact bucket keeps (each with the migrations
 * recorded beside it), the one the compute stack's {@code ReleaseKey} names, and the rollback that
 * points the compute stack at another one.
 */
public final class IaasReleases {
    private final StackDeployer stacks;
    private final StackSet stackSet;
    private final Function<String, S3Client> s3;
    private final Progress progress;
    private final Clock clock;

    IaasReleases(StackDeployer stacks, StackSet stackSet, Function<String, S3Client> s3, Progress progress, Clock clock) {
        this.stacks = stacks;
        this.stackSet = stackSet;
        this.s3 = s3;
        this.progress = progress;
        this.clock = clock;
    }

    /**
     * The release artifacts the bucket keeps, newest first (by upload), the one the compute stack's
     * {@code ReleaseKey} names marked live, each with the migrations recorded beside it.
     */
    public List<ReleaseEntry> list(StackPlan plan) {
        StackSpec artifacts = plan.stack(ARTIFACTS);
        String bucket = stacks.status(artifacts.name(), artifacts.region()).map(l -> l.outputs().get(ARTIFACT_BUCKET_OUTPUT))
                .orElseThrow(() -> new IaasDeployException("stack " + artifacts.name() + " (" + artifacts.region()
                        + ") is not deployed: there are no releases"));
        Optional<String> liveKey = liveCompute(plan).map(l -> l.parameters().get(RELEASE_KEY_PARAMETER));
        ReleaseMigrationRecords records = new ReleaseMigrationRecords(s3.apply(artifacts.region()), progress);
        List<ReleaseEntry> entries = new ArrayList<>();
        s3.apply(artifacts.region()).listObjectsV2Paginator(b -> b.bucket(bucket).prefix(RELEASES_PREFIX)).contents().forEach(object -> {
            String key = object.key();
            if (key.endsWith(RELEASE_SUFFIX)) {
                String id = key.substring(RELEASES_PREFIX.length(), key.length() - RELEASE_SUFFIX.length());
                entries.add(new ReleaseEntry(id, Optional.ofNullable(object.lastModified()), liveKey.equals(Optional.of(key)),
                        records.read(bucket, AwsIaasDeployer.migrationsKey(id)).orElse(List.of())));
            }
        });
        // S3 keeps upload times to the second: of two uploads in the same second, the live one is the newer.
        entries.sort(Comparator.comparing((ReleaseEntry e) -> e.deployedAt().orElse(java.time.Instant.EPOCH)).reversed()
                .thenComparing(ReleaseEntry::live, Comparator.reverseOrder()).thenComparing(ReleaseEntry::id));
        return entries;
    }

    /**
     * Where {@code deploy --rollback} would take the compute stack: the release {@code request} names, or
     * the newest one uploaded before the live one; refused (nothing changed) when it is older than the schema.
     */
    public RollbackChoice rollbackChoice(StackPlan plan, RollbackRequest request) {
        return RollbackChoice.of(list(plan), request, Optional.empty());
    }

    /**
     * The compute stack with its own live template, parameters and tags, only {@code ReleaseKey} set to the
     * chosen release (config stays as the last deploy left it: a rollback is about code): CloudFormation writes a new launch template version whose user data names that artifact
     * and rolls the instances onto it one at a time, as for any release. No artifact is built or
     * uploaded; each new instance runs the release command of the release it boots, which only applies
     * migrations it does not find (none), so the database stays as it is.
     */
    public String rollback(StackPlan plan, RollbackChoice choice) {
        StackSpec compute = plan.stack(COMPUTE);
        LiveStack live = liveCompute(plan).filter(LiveStack::stable)
                .orElseThrow(() -> new IaasDeployException("stack " + compute.name() + " (" + compute.region() + ") is not "
                        + "deployed or not settled; there is nothing to roll back"));
        Map<String, String> parameters = new TreeMap<>(live.parameters());
        String key = RELEASES_PREFIX + choice.target().id() + RELEASE_SUFFIX;
        parameters.put(RELEASE_KEY_PARAMETER, key);
        progress.step(compute.name(), "rolling back: " + RELEASE_KEY_PARAMETER + " " + live.parameters().get(RELEASE_KEY_PARAMETER)
                + " -> " + key + " (a new launch template version; the instances are replaced one at a time)");
        Set<Capability> capabilities = compute.capabilities().stream().map(Capability::fromValue).collect(Collectors.toSet());
        stackSet.deploy(new StackRequest(compute.name(), compute.region(), stacks.template(live, compute.region()), parameters,
                live.tags(), false, capabilities));
        String now = liveCompute(plan).map(l -> l.parameters().get(RELEASE_KEY_PARAMETER)).orElse("");
        if (!key.equals(now)) {
            throw new IaasDeployException("stack " + compute.name() + " still names " + now + " after the rollback to " + key
                    + "; the instances were not moved");
        }
        return key;
    }

    /** What {@link #rollback} would do, for the confirmation: one change, the compute stack's release. */
    public Plan rollbackPlan(AppDescriptor descriptor, StackPlan plan, String digest, RollbackChoice choice) {
        StackSpec compute = plan.stack(COMPUTE);
        LiveStack live = liveCompute(plan).orElseThrow(() -> new IaasDeployException("stack " + compute.name() + " is not deployed"));
        LiveStackPlanner planner = new LiveStackPlanner(TARGET, stacks, s3, progress, clock);
        return planner.plan(descriptor, digest, List.of(PlannedChange.of(TARGET + "." + COMPUTE + ".release", "release",
                Action.UPDATE, RELEASE_KEY_PARAMETER + ": " + live.parameters().get(RELEASE_KEY_PARAMETER) + " -> " + RELEASES_PREFIX
                        + choice.target().id() + RELEASE_SUFFIX + " (a new launch template version, instances replaced one at a "
                        + "time; nothing is built; " + choice.databaseNote() + ")")),
                Map.of(compute.name(), live.fingerprint()));
    }

    private Optional<LiveStack> liveCompute(StackPlan plan) {
        StackSpec compute = plan.stack(COMPUTE);
        return stacks.status(compute.name(), compute.region()).filter(l -> !l.failedCreate());
    }
}

package io.tierlift.aws;

import io.tierlift.aws.cloudformation.DeployResult;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.aws.cloudfront.CloudFrontInvalidator;
import io.tierlift.aws.cloudfront.InvalidationResult;
import io.tierlift.aws.s3.S3Sync;
import io.tierlift.aws.s3.SyncResult;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The steps every AWS tier shares once its stacks are planned: create or update one stack, read an
 * earlier stack's output, sync the React build to the site bucket, empty a bucket and delete the
 * stacks last first. The tier's deployer decides the order of things and its own extra steps.
 */
public final class StackSet {
    private final Function<String, CloudFormationClient> cloudFormation;
    private final Function<String, S3Client> s3;
    private final StackDeployer stacks;
    private final Progress progress;
    private final Duration pollInterval;
    private final Duration stackTimeout;
    private final Clock clock;
    private final String target;

    public StackSet(String target, Function<String, CloudFormationClient> cloudFormation, Function<String, S3Client> s3,
                    StackDeployer stacks, Progress progress, Duration pollInterval, Duration stackTimeout, Clock clock) {
        this.target = target;
        this.cloudFormation = cloudFormation;
        this.s3 = s3;
        this.stacks = stacks;
        this.progress = progress;
        this.pollInterval = pollInterval;
        this.stackTimeout = stackTimeout;
        this.clock = clock;
    }

    public StackDeployer stacks() {
        return stacks;
    }

    /**
     * A stack that does not exist yet is made with CreateStack rather than a CREATE change set: the
     * result is the same in AWS, and emulators compute outputs for it (moto leaves stacks made by
     * change sets without outputs). Existing stacks are updated through change sets.
     */
    public DeployResult deploy(StackRequest request) {
        Optional<LiveStack> live = stacks.status(request.stackName(), request.region());
        if (live.isPresent() && !live.get().underReview() && !live.get().failedCreate()) {
            return stacks.deploy(request);
        }
        if (live.isPresent() && live.get().failedCreate()) {
            stacks.deleteStack(request.stackName(), request.region());
        }
        CloudFormationClient cfn = cloudFormation.apply(request.region());
        progress.step(request.stackName(), "creating stack");
        cfn.createStack(b -> b.stackName(request.stackName())
                .templateBody(request.templateBody())
                .parameters(request.parameters().entrySet().stream()
                        .map(e -> Parameter.builder().parameterKey(e.getKey()).parameterValue(e.getValue()).build()).toList())
                .tags(request.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
                .capabilities(request.capabilities())
                .enableTerminationProtection(request.terminationProtection()));
        Instant deadline = clock.instant().plus(stackTimeout);
        while (true) {
            LiveStack now = stacks.status(request.stackName(), request.region())
                    .orElseThrow(() -> new StackSetException("stack " + request.stackName() + " vanished while being created"));
            if (!now.status().endsWith("_IN_PROGRESS")) {
                if (!"CREATE_COMPLETE".equals(now.status())) {
                    throw new StackSetException("stack " + request.stackName() + " failed: " + now.status()
                            + now.statusReason().map(r -> " (" + r + ")").orElse(""));
                }
                progress.step(request.stackName(), "CREATE_COMPLETE");
                return new DeployResult(now.stackName(), now.stackId(), now.status(), true, now.outputs());
            }
            if (clock.instant().isAfter(deadline)) {
                throw new StackSetException("stack " + request.stackName() + " is still " + now.status() + " after "
                        + stackTimeout.toMinutes() + " min; follow it with 'tierlift status " + target + "'");
            }
            sleep(request.stackName());
        }
    }

    /** An output of a stack deployed (or read) before, failing with what the stack does have. */
    public static String output(StackPlan plan, Map<String, Map<String, String>> outputs, String stackKey, String name) {
        String value = outputs.getOrDefault(stackKey, Map.of()).get(name);
        if (value == null) {
            throw new StackSetException("stack " + plan.stack(stackKey).name() + " has no output " + name + " (it has "
                    + new TreeMap<>(outputs.getOrDefault(stackKey, Map.of())).keySet() + ")");
        }
        return value;
    }

    /**
     * Uploads the React build, invalidates the changed paths on the distribution, then deletes
     * files of older builds. The invalidation comes before the stale files go: until CloudFront
     * drops its copy of the old index.html, viewers still get pages that load the old hashed
     * assets. And those go last because pages already open may still ask for them.
     */
    public SiteUpload syncSite(AppDescriptor descriptor, String bucket, String region, CloudFrontInvalidator invalidator,
                               String distributionId) {
        Path dist = descriptor.baseDir().resolve(descriptor.frontend().dist()).normalize();
        S3Sync sync = new S3Sync(s3.apply(region), progress);
        SyncResult site = sync.sync(dist, bucket, "");
        InvalidationResult invalidation = invalidator.invalidate(distributionId, site.invalidationPaths());
        int stale = sync.deleteStale(bucket, site.staleKeys());
        return new SiteUpload(site, stale, invalidation);
    }

    /** What one site sync did, with the CloudFront invalidation of its changed paths. */
    public record SiteUpload(SyncResult result, int staleDeleted, InvalidationResult invalidation) {
        public boolean changed() {
            return !result.uploaded().isEmpty() || staleDeleted > 0;
        }
    }

    /** The files of the React build by their key in the site bucket. */
    public static Map<String, Path> siteFiles(AppDescriptor descriptor) {
        Path dist = descriptor.baseDir().resolve(descriptor.frontend().dist()).normalize();
        Map<String, Path> files = new TreeMap<>();
        if (!Files.isDirectory(dist)) {
            throw new StackSetException("the React build " + dist + " does not exist; build the frontend first");
        }
        try (Stream<Path> walk = Files.walk(dist)) {
            walk.filter(Files::isRegularFile).forEach(f -> files.put(dist.relativize(f).toString().replace('\\', '/'), f));
        } catch (IOException e) {
            throw new StackSetException("cannot read " + dist + ": " + e.getMessage(), e);
        }
        return files;
    }

    /**
     * Deletes the stacks, last first. A stack holding a bucket (named by {@code bucketOutputs}: stack
     * key → output) has it emptied first, only when {@code emptyBuckets}: CloudFormation can't delete
     * a bucket that holds objects. A stack with termination protection stops the deletion with what
     * to do unless {@code liftProtection}; then the protection is turned off first.
     */
    public List<String> destroy(StackPlan plan, Map<String, String> bucketOutputs, boolean emptyBuckets, boolean liftProtection) {
        List<StackSpec> reversed = new ArrayList<>(plan.stacks());
        Collections.reverse(reversed);
        List<String> deleted = new ArrayList<>();
        for (StackSpec spec : reversed) {
            Optional<LiveStack> live = stacks.status(spec.name(), spec.region()).filter(l -> !"DELETE_COMPLETE".equals(l.status()));
            if (live.isEmpty()) {
                continue;
            }
            String bucketOutput = bucketOutputs.get(spec.key());
            if (bucketOutput != null && live.get().outputs().containsKey(bucketOutput)) {
                String bucket = live.get().outputs().get(bucketOutput);
                if (!emptyBuckets) {
                    throw new StackSetException("stack " + spec.name() + " holds bucket " + bucket
                            + "; destroying it deletes every object in it: run with --yes to confirm");
                }
                emptyBucket(spec.region(), bucket);
            }
            if (live.get().terminationProtection()) {
                if (!liftProtection) {
                    throw new StackSetException("stack " + spec.name() + " has termination protection on (it holds the database); "
                            + "deleted so far: " + deleted + ". Run destroy again with --force-data-deletion to lift it and "
                            + "delete the stack (the database keeps a final snapshot)");
                }
                progress.step(spec.name(), "turning termination protection off (--force-data-deletion)");
                cloudFormation.apply(spec.region()).updateTerminationProtection(b -> b.stackName(spec.name())
                        .enableTerminationProtection(false));
            }
            if (stacks.deleteStack(spec.name(), spec.region())) {
                deleted.add(spec.name());
            }
        }
        return deleted;
    }

    /** Deletes every object version and delete marker (the artifacts bucket is versioned). */
    public void emptyBucket(String region, String bucket) {
        S3Client client = s3.apply(region);
        int count = 0;
        while (true) {
            var listed = client.listObjectVersions(b -> b.bucket(bucket));
            List<ObjectIdentifier> ids = new ArrayList<>();
            listed.versions().forEach(v -> ids.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
            listed.deleteMarkers().forEach(m -> ids.add(ObjectIdentifier.builder().key(m.key()).versionId(m.versionId()).build()));
            if (ids.isEmpty()) {
                break;
            }
            for (int from = 0; from < ids.size(); from += 1000) {
                List<ObjectIdentifier> batch = ids.subList(from, Math.min(ids.size(), from + 1000));
                client.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
            }
            count += ids.size();
        }
        progress.step("s3://" + bucket, "emptied (" + count + " object version(s) deleted)");
    }

    private void sleep(String stackName) {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackSetException("interrupted while waiting for stack " + stackName);
        }
    }
}

package io.tierlift.aws.iaas;

import io.tierlift.aws.StackSet;
import io.tierlift.aws.cloudformation.ChangeSetPlan;
import io.tierlift.aws.cloudformation.DeployResult;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.PlannedChangeMapper;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.aws.cloudfront.CloudFrontInvalidator;
import io.tierlift.aws.cloudfront.InvalidationResult;
import io.tierlift.aws.s3.S3Sync;
import io.tierlift.aws.s3.SyncResult;
import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnJson;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkServiceClientConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Deploys, plans, reports and destroys the aws-iaas stacks the renderer planned: CloudFormation
 * stacks in order (later ones take earlier ones' outputs), the backend release in the artifacts
 * bucket, and the React build in the site bucket.
 */
public final class AwsIaasDeployer {
    public static final String TARGET = "aws-iaas";
    static final String PREFIX_LIST = "cloudfront-prefix-list-id";
    static final String RELEASE_KEY = "release-key";
    static final String ARTIFACTS = "artifacts";
    static final String DATA = "data";
    static final String STATIC = "static";
    static final String ARTIFACT_BUCKET_OUTPUT = "ArtifactBucketName";
    static final String SITE_BUCKET_OUTPUT = "SiteBucketName";
    static final String DISTRIBUTION_OUTPUT = "DistributionId";
    static final String COMPUTE = "compute";
    static final String ASG_OUTPUT = "AutoScalingGroupName";

    private final Function<String, CloudFormationClient> cloudFormation;
    private final Function<String, S3Client> s3;
    private final StackDeployer stacks;
    private final PrefixListLookup prefixLists;
    private final LiveResources resources;
    private final CloudFrontInvalidator invalidator;
    private final Progress progress;
    private final CfnJson json = new CfnJson();
    private final Duration pollInterval;
    private final Duration stackTimeout;
    private final Clock clock;
    private final StackSet stackSet;

    public AwsIaasDeployer(Function<String, CloudFormationClient> cloudFormation, Function<String, S3Client> s3,
                           StackDeployer stacks, PrefixListLookup prefixLists, LiveResources resources,
                           CloudFrontInvalidator invalidator, Progress progress,
                           Duration pollInterval, Duration stackTimeout, Clock clock) {
        this.cloudFormation = cloudFormation;
        this.s3 = s3;
        this.stacks = stacks;
        this.prefixLists = prefixLists;
        this.resources = resources;
        this.invalidator = invalidator;
        this.progress = progress;
        this.pollInterval = pollInterval;
        this.stackTimeout = stackTimeout;
        this.clock = clock;
        this.stackSet = new StackSet(TARGET, cloudFormation, s3, stacks, progress, pollInterval, stackTimeout, clock);
    }

    /**
     * Without the Auto Scaling/RDS readers and the CloudFront invalidator: enough for
     * {@link #planOffline} and stack-only work; {@link #deploy}, {@link #status} and {@link #destroy}
     * need the full constructor.
     */
    public AwsIaasDeployer(Function<String, CloudFormationClient> cloudFormation, Function<String, S3Client> s3,
                           StackDeployer stacks, PrefixListLookup prefixLists, Progress progress,
                           Duration pollInterval, Duration stackTimeout, Clock clock) {
        this(cloudFormation, s3, stacks, prefixLists, null, null, progress, pollInterval, stackTimeout, clock);
    }

    /** What one deploy did. */
    public record DeployReport(Map<String, Boolean> stacksChanged, boolean releaseUploaded, SyncResult site, int staleDeleted,
                               InvalidationResult invalidation) {
        public boolean changed() {
            return stacksChanged.containsValue(true) || releaseUploaded || !site.uploaded().isEmpty() || staleDeleted > 0;
        }
    }

    public DeployReport deploy(AppDescriptor descriptor, StackPlan plan, String version) {
        Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
        Map<String, Boolean> changed = new LinkedHashMap<>();
        BackendRelease release = BackendRelease.of(descriptor);
        boolean uploaded = false;
        Map<String, String> tags = new TreeMap<>(plan.tags());
        tags.put("tierlift:version", version);
        for (StackSpec spec : plan.stacks()) {
            Map<String, String> parameters = new TreeMap<>();
            for (Map.Entry<String, ParameterSource> entry : spec.parameters().entrySet()) {
                ParameterSource source = entry.getValue();
                if (source instanceof ParameterSource.DeployTime time && RELEASE_KEY.equals(time.name())) {
                    uploaded |= uploadRelease(release, artifactBucket(plan, outputs), plan.stack(ARTIFACTS).region());
                }
                parameters.put(entry.getKey(), resolve(spec, entry.getKey(), source, plan, outputs, release));
            }
            StackRequest request = new StackRequest(spec.name(), spec.region(), json.write(spec.template()), parameters,
                    tags, DATA.equals(spec.key()), capabilities(spec));
            DeployResult result = stackSet.deploy(request);
            changed.put(spec.key(), result.changed());
            outputs.put(spec.key(), result.outputs());
        }
        Path dist = descriptor.baseDir().resolve(descriptor.frontend().dist()).normalize();
        String siteBucket = StackSet.output(plan, outputs, STATIC, SITE_BUCKET_OUTPUT);
        S3Sync sync = new S3Sync(s3.apply(plan.stack(STATIC).region()), progress);
        SyncResult site = sync.sync(dist, siteBucket, "");
        // Before the stale assets go: until CloudFront drops its copy of the old index.html, viewers
        // still get pages that load the old hashed assets.
        InvalidationResult invalidation = invalidator.invalidate(StackSet.output(plan, outputs, STATIC, DISTRIBUTION_OUTPUT),
                site.invalidationPaths());
        // Only once the new files are up: pages already open may still ask for the old hashed assets.
        int stale = sync.deleteStale(siteBucket, site.staleKeys());
        return new DeployReport(changed, uploaded, site, stale, invalidation);
    }

    private String resolve(StackSpec spec, String parameter, ParameterSource source, StackPlan plan,
                           Map<String, Map<String, String>> outputs, BackendRelease release) {
        if (source instanceof ParameterSource.Literal literal) {
            return literal.value();
        }
        if (source instanceof ParameterSource.StackOutput out) {
            return StackSet.output(plan, outputs, out.stackKey(), out.outputName());
        }
        ParameterSource.DeployTime time = (ParameterSource.DeployTime) source;
        return switch (time.name()) {
            case PREFIX_LIST -> prefixLists.cloudFrontOriginFacing(spec.region());
            case RELEASE_KEY -> release.key();
            default -> throw new IaasDeployException("stack " + spec.key() + " parameter " + parameter
                    + " needs deploy-time value '" + time.name() + "', which this version cannot produce");
        };
    }

    private static String artifactBucket(StackPlan plan, Map<String, Map<String, String>> outputs) {
        return StackSet.output(plan, outputs, ARTIFACTS, ARTIFACT_BUCKET_OUTPUT);
    }

    /** Uploads the release unless an object with its key is already there (the key is a content hash). */
    boolean uploadRelease(BackendRelease release, String bucket, String region) {
        S3Client client = s3.apply(region);
        try {
            client.headObject(b -> b.bucket(bucket).key(release.key()));
            progress.step("s3://" + bucket, release.key() + " is already there");
            return false;
        } catch (NoSuchKeyException e) {
            // upload below
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
        client.putObject(b -> b.bucket(bucket).key(release.key()).contentType("application/gzip"),
                RequestBody.fromBytes(release.archive()));
        progress.step("s3://" + bucket, "uploaded " + release.key() + " (" + release.archive().length + " bytes)");
        return true;
    }

    private static java.util.Set<Capability> capabilities(StackSpec spec) {
        return spec.capabilities().stream().map(Capability::fromValue).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * The plan from the descriptor alone: every resource of every template as a creation and every
     * file of the React build as an upload, with no AWS call.
     */
    public Plan planOffline(AppDescriptor descriptor, StackPlan plan, String digest) {
        List<PlannedChange> changes = new ArrayList<>();
        for (StackSpec spec : plan.stacks()) {
            spec.template().resources().forEach(resource -> changes.add(new PlannedChange(
                    address(spec, resource.logicalId()), resource.type(), Action.CREATE,
                    "offline: in the template of stack " + spec.name() + " (not compared with AWS)",
                    Optional.empty(), List.of(), false)));
        }
        for (Map.Entry<String, Path> file : StackSet.siteFiles(descriptor).entrySet()) {
            changes.add(new PlannedChange(siteAddress(file.getKey()), "s3-object", Action.CREATE,
                    "offline: upload " + file.getKey() + " (not compared with the bucket)", Optional.empty(), List.of(), false));
        }
        return new Plan(Plan.FORMAT_VERSION, descriptor.app(), descriptor.environment(), TARGET, digest, clock.instant(),
                changes, Map.of());
    }

    /** Change sets per existing stack (deleted again), template resources for stacks still to create, and the site files. */
    public Plan plan(AppDescriptor descriptor, StackPlan plan, String version, String digest) {
        List<PlannedChange> changes = new ArrayList<>();
        Map<String, String> fingerprints = new TreeMap<>();
        Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
        BackendRelease release = BackendRelease.of(descriptor);
        Map<String, String> tags = new TreeMap<>(plan.tags());
        tags.put("tierlift:version", version);
        PlannedChangeMapper mapper = new PlannedChangeMapper();
        boolean upstreamMissing = false;
        for (StackSpec spec : plan.stacks()) {
            Optional<LiveStack> live = stacks.status(spec.name(), spec.region());
            live.ifPresent(l -> fingerprints.put(spec.name(), l.fingerprint()));
            if (live.isEmpty() || upstreamMissing) {
                upstreamMissing = true;
                spec.template().resources().forEach(resource -> changes.add(PlannedChange.of(
                        address(spec, resource.logicalId()), resource.type(), Action.CREATE, "create (new stack " + spec.name() + ")")));
                continue;
            }
            outputs.put(spec.key(), live.get().outputs());
            Map<String, String> parameters = new TreeMap<>();
            spec.parameters().forEach((name, source) -> parameters.put(name, resolve(spec, name, source, plan, outputs, release)));
            StackRequest request = new StackRequest(spec.name(), spec.region(), json.write(spec.template()), parameters,
                    tags, DATA.equals(spec.key()), capabilities(spec));
            ChangeSetPlan planned = stacks.planOnly(request);
            for (var change : planned.changes()) {
                PlannedChange mapped = mapper.map(spec.name(), change);
                changes.add(new PlannedChange(address(spec, change.logicalId()), mapped.kind(), mapped.action(),
                        mapped.summary(), mapped.diff(), mapped.reasons(), mapped.dataLoss()));
            }
        }
        Optional<String> siteBucket = Optional.ofNullable(outputs.getOrDefault(STATIC, Map.of()).get(SITE_BUCKET_OUTPUT));
        for (Map.Entry<String, Path> file : StackSet.siteFiles(descriptor).entrySet()) {
            Action action = siteBucket.map(bucket -> compare(plan, bucket, file.getKey(), file.getValue())).orElse(Action.CREATE);
            changes.add(PlannedChange.of(siteAddress(file.getKey()), "s3-object", action,
                    action == Action.NO_OP ? "unchanged" : action == Action.CREATE ? "upload" : "upload the changed file"));
        }
        return new Plan(Plan.FORMAT_VERSION, descriptor.app(), descriptor.environment(), TARGET, digest, clock.instant(),
                changes, fingerprints);
    }

    private Action compare(StackPlan plan, String bucket, String path, Path file) {
        try {
            var head = s3.apply(plan.stack(STATIC).region()).headObject(b -> b.bucket(bucket).key(path));
            return sha256(file).equals(head.metadata().get(S3Sync.SHA256_METADATA)) ? Action.NO_OP : Action.UPDATE;
        } catch (NoSuchKeyException e) {
            return Action.CREATE;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Action.CREATE;
            }
            throw e;
        }
    }

    /**
     * Stack states and outputs in deploy order, the Auto Scaling group of the compute stack and the
     * RDS instance of the data stack. A stack that exists without the resource it should hold is
     * reported in {@link IaasStatus#missing()}.
     */
    public IaasStatus status(StackPlan plan) {
        List<IaasStatus.StackState> states = new ArrayList<>();
        for (StackSpec spec : plan.stacks()) {
            Optional<LiveStack> stack = stacks.status(spec.name(), spec.region());
            states.add(new IaasStatus.StackState(spec.key(), spec.name(), spec.region(), stack.map(LiveStack::status),
                    stack.map(LiveStack::outputs).orElse(Map.of())));
        }
        List<String> missing = new ArrayList<>();
        Optional<IaasStatus.AsgHealth> group = Optional.empty();
        Optional<IaasStatus.StackState> compute = present(states, COMPUTE);
        if (compute.isPresent()) {
            StackSpec spec = plan.stack(COMPUTE);
            Optional<String> output = Optional.ofNullable(compute.get().outputs().get(ASG_OUTPUT));
            group = output.flatMap(n -> resources.autoScalingGroup(spec.region(), n));
            Optional<String> name = output;
            if (group.isEmpty()) {
                // The output is a Ref kept from the last update; the stack's resource list names the group as it is now.
                Optional<String> physical = resources.physicalId(spec.region(), spec.name(), LiveResources.ASG_TYPE)
                        .filter(id -> !output.equals(Optional.of(id)));
                group = physical.flatMap(n -> resources.autoScalingGroup(spec.region(), n));
                name = output.or(() -> physical);
            }
            if (group.isEmpty()) {
                missing.add("stack " + spec.name() + " has no Auto Scaling group" + name.map(n -> " (" + n + " not found)").orElse(""));
            }
        }
        Optional<IaasStatus.RdsHealth> database = Optional.empty();
        if (present(states, DATA).isPresent()) {
            StackSpec spec = plan.stack(DATA);
            Optional<String> id = resources.physicalId(spec.region(), spec.name(), LiveResources.DB_TYPE);
            database = id.flatMap(i -> resources.database(spec.region(), i));
            if (database.isEmpty()) {
                missing.add("stack " + spec.name() + " has no RDS instance" + id.map(i -> " (" + i + " not found)").orElse(""));
            }
        }
        return new IaasStatus(states, group, database, missing);
    }

    /** The stack of {@code key} when it exists and is not being deleted, so its resources can be looked at. */
    private static Optional<IaasStatus.StackState> present(List<IaasStatus.StackState> states, String key) {
        return states.stream().filter(s -> s.key().equals(key))
                .filter(s -> s.status().filter(st -> !st.startsWith("DELETE_")).isPresent()).findFirst();
    }

    /**
     * Deletes the stacks, last first. Buckets are emptied first, but only when {@code emptyBuckets}
     * (the operator confirmed): CloudFormation can't delete a bucket that holds objects. A stack with
     * termination protection (the data stack) stops the deletion there with what to do, unless
     * {@code liftProtection} (the operator asked to delete the database too): then the protection is
     * turned off first.
     */
    public List<String> destroy(StackPlan plan, boolean emptyBuckets, boolean liftProtection) {
        List<StackSpec> reversed = new ArrayList<>(plan.stacks());
        Collections.reverse(reversed);
        List<String> deleted = new ArrayList<>();
        for (StackSpec spec : reversed) {
            Optional<LiveStack> live = stacks.status(spec.name(), spec.region()).filter(l -> !"DELETE_COMPLETE".equals(l.status()));
            if (live.isEmpty()) {
                continue;
            }
            String bucketOutput = STATIC.equals(spec.key()) ? SITE_BUCKET_OUTPUT
                    : ARTIFACTS.equals(spec.key()) ? ARTIFACT_BUCKET_OUTPUT : null;
            if (bucketOutput != null && live.get().outputs().containsKey(bucketOutput)) {
                String bucket = live.get().outputs().get(bucketOutput);
                if (!emptyBuckets) {
                    throw new IaasDeployException("stack " + spec.name() + " holds bucket " + bucket
                            + "; destroying it deletes every object in it: run with --yes to confirm");
                }
                emptyBucket(spec.region(), bucket);
            }
            Optional<String> database = DATA.equals(spec.key())
                    ? resources.physicalId(spec.region(), spec.name(), LiveResources.DB_TYPE) : Optional.empty();
            boolean databaseProtected = database.filter(id -> resources.deletionProtected(spec.region(), id)).isPresent();
            if ((live.get().terminationProtection() || databaseProtected) && !liftProtection) {
                throw new IaasDeployException("stack " + spec.name() + " has "
                        + (live.get().terminationProtection() ? "termination protection on" : "")
                        + (live.get().terminationProtection() && databaseProtected ? " and " : "")
                        + (databaseProtected ? "RDS instance " + database.get() + " with deletion protection on" : "")
                        + (DATA.equals(spec.key()) && !databaseProtected ? " (it holds the database)" : "")
                        + "; deleted so far: " + deleted + ". Next step, to delete the database too: "
                        + "tierlift destroy aws-iaas --yes --force-data-deletion (with the same -f/--env); "
                        + "RDS keeps a final snapshot");
            }
            if (databaseProtected) {
                // CloudFormation's delete of a protected instance fails after minutes, leaving DELETE_FAILED.
                resources.turnOffDeletionProtection(spec.region(), database.get());
            }
            if (live.get().terminationProtection()) {
                if (!liftTerminationProtection(spec)) {
                    // The protection may still be on: ask CloudFormation directly, which refuses if so.
                    deleteProtected(spec, live.get());
                    deleted.add(spec.name());
                    continue;
                }
            }
            if (stacks.deleteStack(spec.name(), spec.region())) {
                deleted.add(spec.name());
            }
        }
        return deleted;
    }

    /** Turns termination protection off; false (with a warning) when CloudFormation did not do it. */
    private boolean liftTerminationProtection(StackSpec spec) {
        progress.step(spec.name(), "turning termination protection off (--force-data-deletion)");
        try {
            cloudFormation.apply(spec.region()).updateTerminationProtection(b -> b.stackName(spec.name())
                    .enableTerminationProtection(false)
                    .overrideConfiguration(o -> o.addPlugin(AwsIaasDeployer::fewRetries)));
            return true;
        } catch (SdkException e) {
            // Some emulators don't implement this call (moto answers 500); the delete below says whether it mattered.
            progress.warn(spec.name(), "could not turn termination protection off (" + firstLine(e.getMessage())
                    + "); trying the delete anyway");
            return false;
        }
    }

    /**
     * A failure here has a fallback (the delete is tried anyway), so a few quick attempts are enough;
     * the clients' own strategy backs off for minutes, made for calls that have none.
     */
    private static void fewRetries(SdkServiceClientConfiguration.Builder config) {
        ClientOverrideConfiguration current = config.overrideConfiguration();
        ClientOverrideConfiguration.Builder builder = current == null ? ClientOverrideConfiguration.builder() : current.toBuilder();
        config.overrideConfiguration(builder.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(3).build()).build());
    }

    /** DeleteStack on a stack that may still look protected, waited for here (StackDeployer refuses protected stacks). */
    private void deleteProtected(StackSpec spec, LiveStack live) {
        progress.step(spec.name(), "deleting stack");
        try {
            cloudFormation.apply(spec.region()).deleteStack(b -> b.stackName(live.stackId()));
        } catch (SdkException e) {
            throw new IaasDeployException("stack " + spec.name() + " could not be deleted: " + firstLine(e.getMessage())
                    + "; turn its termination protection off (aws cloudformation update-termination-protection "
                    + "--no-enable-termination-protection --stack-name " + spec.name() + ") and destroy again", e);
        }
        Instant deadline = clock.instant().plus(stackTimeout);
        while (true) {
            Optional<LiveStack> now = stacks.status(live.stackId(), spec.region());
            String status = now.map(LiveStack::status).orElse("DELETE_COMPLETE");
            if ("DELETE_COMPLETE".equals(status)) {
                progress.step(spec.name(), "DELETE_COMPLETE");
                return;
            }
            if (!status.endsWith("_IN_PROGRESS")) {
                throw new IaasDeployException("stack " + spec.name() + " was not deleted: " + status
                        + now.flatMap(LiveStack::statusReason).map(r -> " (" + r + ")").orElse(""));
            }
            if (clock.instant().isAfter(deadline)) {
                throw new IaasDeployException("stack " + spec.name() + " is still " + status + " after "
                        + stackTimeout.toMinutes() + " min; follow it with 'tierlift status aws-iaas'");
            }
            sleep(spec.name());
        }
    }

    private void sleep(String stackName) {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IaasDeployException("interrupted while waiting for stack " + stackName);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int cut = message.indexOf('\n');
        return cut < 0 ? message : message.substring(0, cut);
    }

    /** Deletes every object version and delete marker (the artifacts bucket is versioned). */
    void emptyBucket(String region, String bucket) {
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

    private static String address(StackSpec spec, String logicalId) {
        return TARGET + "." + spec.key() + "." + logicalId;
    }

    private static String siteAddress(String path) {
        return TARGET + ".site/" + path;
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        } catch (IOException e) {
            throw new IaasDeployException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

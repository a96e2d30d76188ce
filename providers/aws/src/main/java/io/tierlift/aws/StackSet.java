package io.tierlift.aws;

import io.tierlift.aws.cloudformation.DeployResult;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.ReplacementConsent;
import io.tierlift.aws.cloudformation.ResourceChange;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudformation.StackPolicy;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.aws.cloudfront.CloudFrontInvalidator;
import io.tierlift.aws.cloudfront.InvalidationResult;
import io.tierlift.aws.s3.S3Objects;
import io.tierlift.aws.s3.S3Sync;
import io.tierlift.aws.s3.SyncResult;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.cfn.DatabaseStackPolicy;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The steps every AWS tier shares once its stacks are planned: deploy the stacks in order (later
 * ones take earlier ones' outputs), read an earlier stack's output, sync the React build to the
 * site bucket, empty a bucket and delete the stacks last first. The tier's deployer decides its
 * own extra steps (what its deploy-time parameters are, what runs between two stacks).
 */
public final class StackSet {
    /** The stack holding the database: the one deployed with termination protection. */
    public static final String DATA_STACK = "data";

    private final Function<String, CloudFormationClient> cloudFormation;
    private final Function<String, S3Client> s3;
    private final StackDeployer stacks;
    private final Progress progress;
    private final StackWait wait;
    private final StackDestroyer destroyer;

    public StackSet(String target, Function<String, CloudFormationClient> cloudFormation, Function<String, S3Client> s3,
                    StackDeployer stacks, Progress progress, Duration pollInterval, Duration stackTimeout, Clock clock) {
        this.cloudFormation = cloudFormation;
        this.s3 = s3;
        this.stacks = stacks;
        this.progress = progress;
        this.wait = new StackWait(target, stacks, pollInterval, stackTimeout, clock);
        this.destroyer = new StackDestroyer(target, cloudFormation, s3, stacks, wait, progress);
    }

    public StackDeployer stacks() {
        return stacks;
    }

    /** What deploying a plan's stacks did, by stack key: whether each changed, and its outputs. */
    public record DeployedStacks(Map<String, Boolean> changed, Map<String, Map<String, String>> outputs) {
    }

    /**
     * Deploys the plan's stacks in order: each one's parameters are literals, outputs of the stacks
     * before it, or the tier's {@code deployTime} values; {@code afterEach} runs once a stack is up,
     * before the next one starts.
     */
    public DeployedStacks deployInOrder(StackPlan plan, String version, DeployTimeValues deployTime,
                                        BiConsumer<StackSpec, DeployResult> afterEach) {
        return deployInOrder(plan, version, deployTime, afterEach, ReplacementConsent.NONE);
    }

    /**
     * {@link #deployInOrder(StackPlan, String, DeployTimeValues, BiConsumer)}, where {@code consent} says
     * whether a change set may replace or delete a database its stack's policy keeps.
     */
    public DeployedStacks deployInOrder(StackPlan plan, String version, DeployTimeValues deployTime,
                                        BiConsumer<StackSpec, DeployResult> afterEach, ReplacementConsent consent) {
        Map<String, Boolean> changed = new LinkedHashMap<>();
        Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
        for (StackSpec spec : plan.stacks()) {
            DeployResult result = deploy(request(spec, parameters(spec, plan, outputs, deployTime), plan, version, consent));
            changed.put(spec.key(), result.changed());
            outputs.put(spec.key(), result.outputs());
            afterEach.accept(spec, result);
        }
        return new DeployedStacks(changed, outputs);
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
            stacks.deleteFailedCreate(request.stackName(), request.region());
        }
        CloudFormationClient cfn = cloudFormation.apply(request.region());
        progress.step(request.stackName(), "creating stack");
        cfn.createStack(b -> b.stackName(request.stackName())
                .templateBody(request.templateBody())
                .parameters(request.parameters().entrySet().stream()
                        .map(e -> Parameter.builder().parameterKey(e.getKey()).parameterValue(e.getValue()).build()).toList())
                .tags(request.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
                .capabilities(request.capabilities())
                .stackPolicyBody(request.stackPolicy().map(StackPolicy::body).orElse(null))
                // Protected only once created: AWS refuses to delete a protected stack, and a create that
                // rolls back leaves a stack (holding nothing) that the next deploy must delete to try again.
                .enableTerminationProtection(false));
        LiveStack now = wait.untilSettled(request.stackName(), request.stackName(), request.region())
                .orElseThrow(() -> new StackSetException("stack " + request.stackName() + " vanished while being created"));
        if (!"CREATE_COMPLETE".equals(now.status())) {
            throw new StackSetException("stack " + request.stackName() + " failed: " + now.status()
                    + now.statusReason().map(r -> " (" + r + ")").orElse(""));
        }
        progress.step(request.stackName(), "CREATE_COMPLETE");
        stacks.protectIfAsked(request, now);
        return new DeployResult(now.stackName(), now.stackId(), now.status(), true, now.outputs());
    }

    /**
     * The request for one stack of the plan, tagged with the version; the data stack gets termination
     * protection, and a stack holding a database a policy that keeps it from being replaced or deleted.
     */
    public static StackRequest request(StackSpec spec, Map<String, String> parameters, StackPlan plan, String version) {
        return request(spec, parameters, plan, version, ReplacementConsent.NONE);
    }

    /** {@link #request(StackSpec, Map, StackPlan, String)} with the operator's {@code consent} to replace a database. */
    public static StackRequest request(StackSpec spec, Map<String, String> parameters, StackPlan plan, String version,
                                       ReplacementConsent consent) {
        Map<String, String> tags = new TreeMap<>(plan.tags());
        tags.put("tierlift:version", version);
        Set<Capability> capabilities = spec.capabilities().stream().map(Capability::fromValue).collect(Collectors.toSet());
        Optional<StackPolicy> policy = DatabaseStackPolicy.of(spec.template()).map(body -> StackPolicy.keeping(body,
                DatabaseStackPolicy.protectedResources(spec.template())).withConsent(consent));
        return new StackRequest(spec.name(), spec.region(), new CfnJson().write(spec.template()), parameters, tags,
                DATA_STACK.equals(spec.key()), capabilities).withStackPolicy(policy);
    }

    /**
     * Refuses, before any stack changes, a deploy whose change set would replace or delete a database
     * its stack's policy keeps, unless {@code consent} is given: each existing stack with such a policy
     * is planned read-only against the outputs its earlier stacks have now. The check at execution
     * ({@link StackDeployer#execute}) stays, for a change set that turns out different once earlier
     * stacks have changed.
     */
    public void refuseProtectedChanges(StackPlan plan, String version, DeployTimeValues deployTime, ReplacementConsent consent) {
        if (consent.given()) {
            return;
        }
        Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
        for (StackSpec spec : plan.stacks()) {
            Optional<LiveStack> live = stacks.status(spec.name(), spec.region());
            if (live.isEmpty() || live.get().underReview() || live.get().failedCreate()) {
                return;   // it and every later stack are created, not updated: nothing of theirs is replaced
            }
            outputs.put(spec.key(), live.get().outputs());
            if (DatabaseStackPolicy.of(spec.template()).isEmpty()) {
                continue;
            }
            StackRequest request = request(spec, parameters(spec, plan, outputs, deployTime), plan, version, consent);
            List<ResourceChange> denied = request.stackPolicy().orElseThrow().denied(stacks.planOnly(request).changes());
            if (!denied.isEmpty()) {
                throw new StackSetException(request.stackPolicy().get().refusal(spec.name(), denied));
            }
        }
    }

    /** The values of a stack's parameters: literals, outputs of the stacks before it ({@code outputs}) and deploy-time values. */
    public static Map<String, String> parameters(StackSpec spec, StackPlan plan, Map<String, Map<String, String>> outputs,
                                                 DeployTimeValues deployTime) {
        Map<String, String> parameters = new TreeMap<>();
        spec.parameters().forEach((name, source) -> parameters.put(name, value(spec, name, source, plan, outputs, deployTime)));
        return parameters;
    }

    private static String value(StackSpec spec, String parameter, ParameterSource source, StackPlan plan,
                                Map<String, Map<String, String>> outputs, DeployTimeValues deployTime) {
        if (source instanceof ParameterSource.Literal literal) {
            return literal.value();
        }
        if (source instanceof ParameterSource.StackOutput out) {
            return output(plan, outputs, out.stackKey(), out.outputName());
        }
        String name = ((ParameterSource.DeployTime) source).name();
        return deployTime.value(spec, name, outputs).orElseThrow(() -> new StackSetException("stack " + spec.key()
                + " parameter " + parameter + " needs deploy-time value '" + name + "', which this version cannot produce"));
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

    /** {@link #destroy(StackPlan, Map, boolean, boolean, DatabaseProtection)} for stacks holding no separately protected database. */
    public List<String> destroy(StackPlan plan, Map<String, String> bucketOutputs, boolean emptyBuckets, boolean liftProtection) {
        return destroy(plan, bucketOutputs, emptyBuckets, liftProtection, DatabaseProtection.none());
    }

    /**
     * Deletes the stacks, last first. A stack holding a bucket (named by {@code bucketOutputs}: stack
     * key → output) has it emptied first, only when {@code emptyBuckets}: CloudFormation can't delete
     * a bucket that holds objects. A stack with termination protection, or holding a database with
     * deletion protection ({@code databases}), stops the deletion there with what to do, unless
     * {@code liftProtection} (the operator asked to delete the database too): then the database's
     * protection is turned off, then the stack's. When CloudFormation fails to lift the stack's, a
     * warning says so and the delete is tried anyway: it fails with what to do if the protection was
     * still on.
     */
    public List<String> destroy(StackPlan plan, Map<String, String> bucketOutputs, boolean emptyBuckets, boolean liftProtection,
                                DatabaseProtection databases) {
        return destroyer.destroy(plan, bucketOutputs, emptyBuckets, liftProtection, databases);
    }

    /** Deletes every object version and delete marker (the artifacts bucket is versioned). */
    public void emptyBucket(String region, String bucket) {
        new S3Objects(s3.apply(region), progress).empty(bucket);
    }
}

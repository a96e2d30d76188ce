package io.tierlift.aws.iaas;

import io.tierlift.aws.secretsmanager.AppSecretSync;
import io.tierlift.aws.secretsmanager.OriginSecretVersions;

import io.tierlift.aws.DatabaseProtection;
import io.tierlift.aws.DeployTimeValues;
import io.tierlift.aws.LiveStackPlanner;
import io.tierlift.aws.OfflineStackPlanner;
import io.tierlift.aws.StackSet;
import io.tierlift.aws.StackSetException;
import io.tierlift.aws.TargetPlan;
import io.tierlift.aws.cloudformation.ReplacementConsent;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudfront.CloudFrontInvalidator;
import io.tierlift.aws.cloudfront.InvalidationResult;
import io.tierlift.aws.restore.KeptRestoreValues;
import io.tierlift.aws.s3.S3Objects;
import io.tierlift.aws.s3.SyncResult;
import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.s3.S3Client;

import io.tierlift.aws.s3.ReleaseMigrationRecords;
import io.tierlift.release.SchemaMigrations;
import io.tierlift.release.ServerRequirement;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Deploys, plans, reports and destroys the aws-iaas stacks the renderer planned: CloudFormation
 * stacks in order (later ones take earlier ones' outputs), the backend release in the artifacts
 * bucket, and the React build in the site bucket. The steps both AWS tiers share are
 * {@link StackSet}'s; this class adds the release, the prefix list and the RDS instance.
 */
public final class AwsIaasDeployer {
    public static final String TARGET = "aws-iaas";
    static final String PREFIX_LIST = "cloudfront-prefix-list-id";
    static final String RELEASE_KEY = "release-key";
    static final String ARTIFACTS = "artifacts";
    static final String DATA = StackSet.DATA_STACK;
    static final String STATIC = "static";
    static final String ARTIFACT_BUCKET_OUTPUT = "ArtifactBucketName";
    static final String SITE_BUCKET_OUTPUT = "SiteBucketName";
    static final String DISTRIBUTION_OUTPUT = "DistributionId";
    static final String COMPUTE = "compute";
    static final String RELEASE_KEY_PARAMETER = "ReleaseKey";
    static final String RELEASES_PREFIX = "releases/";
    static final String RELEASE_SUFFIX = ".tar.gz";
    static final String ASG_OUTPUT = "AutoScalingGroupName";
    static final String ALB_DNS_OUTPUT = "AlbDnsName";
    /** The flag with which an operator lets one deploy replace or delete the database. */
    public static final String ALLOW_DATABASE_REPLACEMENT = "--allow-database-replacement";

    private final Function<String, S3Client> s3;
    private final StackDeployer stacks;
    private final PrefixListLookup prefixLists;
    private final LiveResources resources;
    private final CloudFrontInvalidator invalidator;
    private final AppSecretSync appSecret;
    private final ImageLookup images;
    private final OriginSecretVersions originSecret;
    private final Progress progress;
    private final Clock clock;
    private final StackSet stackSet;

    public AwsIaasDeployer(Function<String, CloudFormationClient> cloudFormation, Function<String, S3Client> s3,
                           StackDeployer stacks, PrefixListLookup prefixLists, LiveResources resources,
                           CloudFrontInvalidator invalidator, AppSecretSync appSecret, ImageLookup images,
                           OriginSecretVersions originSecret, Progress progress,
                           Duration pollInterval, Duration stackTimeout, Clock clock) {
        this.s3 = s3;
        this.appSecret = appSecret;
        this.images = images;
        this.originSecret = originSecret;
        this.stacks = stacks;
        this.prefixLists = prefixLists;
        this.resources = resources;
        this.invalidator = invalidator;
        this.progress = progress;
        this.clock = clock;
        this.stackSet = new StackSet(TARGET, cloudFormation, s3, stacks, progress, pollInterval, stackTimeout, clock);
    }

    /**
     * Without the Auto Scaling/RDS readers, the CloudFront invalidator, the secrets and the image
     * lookup: enough for {@link #planOffline} and stack-only work; {@link #plan}, {@link #deploy},
     * {@link #status} and {@link #destroy} need the full constructor.
     */
    public AwsIaasDeployer(Function<String, CloudFormationClient> cloudFormation, Function<String, S3Client> s3,
                           StackDeployer stacks, PrefixListLookup prefixLists, Progress progress,
                           Duration pollInterval, Duration stackTimeout, Clock clock) {
        this(cloudFormation, s3, stacks, prefixLists, null, null, null, null, null, progress, pollInterval, stackTimeout, clock);
    }

    /**
     * What the operator asked of one deploy (or of the plan of it): {@code refreshImage} moves the
     * instances to Amazon's newest image; {@code allowDatabaseReplacement} lets a change set replace or
     * delete the database the data stack's policy keeps; {@code releaseCommandAtBoot} false (a
     * migration's provision, whose copy brings the schema) starts the instances without the release command.
     */
    public record Options(boolean refreshImage, boolean allowDatabaseReplacement, boolean releaseCommandAtBoot) {
        public static final Options DEFAULT = new Options(false, false);

        public Options(boolean refreshImage, boolean allowDatabaseReplacement) {
            this(refreshImage, allowDatabaseReplacement, true);
        }

        /** These options for a migration's provision: the instances start without the release command. */
        public Options withoutReleaseCommandAtBoot() {
            return new Options(refreshImage, allowDatabaseReplacement, false);
        }

        ReplacementConsent consent() {
            return ReplacementConsent.by(ALLOW_DATABASE_REPLACEMENT, allowDatabaseReplacement);
        }
    }

    /**
     * What one deploy did; {@code loadBalancerDns} is the DNS name CloudFront's API origin must lead to,
     * {@code image} the image the instances run.
     */
    public record DeployReport(Map<String, Boolean> stacksChanged, boolean releaseUploaded, boolean secretWritten, SyncResult site,
                               int staleDeleted, InvalidationResult invalidation, String loadBalancerDns, ImageChoice image) {
        public boolean changed() {
            return stacksChanged.containsValue(true) || releaseUploaded || secretWritten || !site.uploaded().isEmpty() || staleDeleted > 0;
        }
    }

    /** {@link #deploy(AppDescriptor, StackPlan, String, Options)} with nothing asked beyond the descriptor. */
    public DeployReport deploy(AppDescriptor descriptor, StackPlan plan, String version) {
        return deploy(descriptor, plan, version, Options.DEFAULT);
    }

    /**
     * The stacks in order (the release uploaded just before the first stack that names it, the app
     * secret's value written right after the data stack, before the compute stack's instances boot
     * and read it), then the site. A change that would replace or delete the database is refused
     * before any stack changes, unless {@code options} allow it.
     */
    public DeployReport deploy(AppDescriptor descriptor, StackPlan plan, String version, Options options) {
        BackendRelease release = BackendRelease.of(descriptor);
        noteAddedServer(descriptor);
        ImageChoice image = chooseImage(plan, options.refreshImage(), false);
        stackSet.refuseProtectedChanges(plan, version, deployTime(plan, release, image, options, outputs -> { }), options.consent());
        AtomicBoolean uploaded = new AtomicBoolean();
        AtomicBoolean secretWritten = new AtomicBoolean();
        if (!options.releaseCommandAtBoot()) {
            progress.step(plan.stack(COMPUTE).name(), "release command not run: the migration copies the schema (the instances start without it; "
                    + "the next deploy replaces them with instances that run it)");
        }
        StackSet.DeployedStacks deployed = stackSet.deployInOrder(plan, version, deployTime(plan, release, image, options, outputs -> {
            String bucket = StackSet.output(plan, outputs, ARTIFACTS, ARTIFACT_BUCKET_OUTPUT);
            if (uploadRelease(release, bucket, plan.stack(ARTIFACTS).region())) {
                uploaded.set(true);
            }
            migrationRecords(plan.stack(ARTIFACTS).region()).write(bucket, migrationsKey(release.id()),
                    SchemaMigrations.in(descriptor.baseDir().resolve(descriptor.backend().path()).normalize()));
        }), (spec, result) -> {
            if (DATA.equals(spec.key())) {
                secretWritten.set(appSecret.write(descriptor, spec.region(), result.outputs()));
            }
        }, options.consent());
        Map<String, Map<String, String>> outputs = deployed.outputs();
        StackSet.SiteUpload site = stackSet.syncSite(descriptor, StackSet.output(plan, outputs, STATIC, SITE_BUCKET_OUTPUT),
                plan.stack(STATIC).region(), invalidator, StackSet.output(plan, outputs, STATIC, DISTRIBUTION_OUTPUT));
        return new DeployReport(deployed.changed(), uploaded.get(), secretWritten.get(), site.result(), site.staleDeleted(),
                site.invalidation(), StackSet.output(plan, outputs, COMPUTE, ALB_DNS_OUTPUT), image);
    }

    /**
     * The prefix list looked up in the stack's region, the release's key, the chosen image and the
     * origin secret's versions; {@code beforeReleaseKey} gets the outputs so far just before the key
     * is handed out (a deploy uploads the release there).
     */
    private DeployTimeValues deployTime(StackPlan plan, BackendRelease release, ImageChoice image, Options options,
                                        Consumer<Map<String, Map<String, String>>> beforeReleaseKey) {
        DeployTimeValues own = (spec, name, outputs) -> {
            if (PREFIX_LIST.equals(name)) {
                return Optional.of(prefixLists.cloudFrontOriginFacing(spec.region()));
            }
            if (RELEASE_KEY.equals(name)) {
                beforeReleaseKey.accept(outputs);
                return Optional.of(release.key());
            }
            if (AwsIaasRenderer.IMAGE_ID_VALUE.equals(name)) {
                return Optional.of(image.imageId());
            }
            if (AwsIaasRenderer.RELEASE_COMMAND_AT_BOOT_VALUE.equals(name)) {
                return Optional.of(String.valueOf(options.releaseCommandAtBoot()));
            }
            return Optional.empty();
        };
        DeployTimeValues kept = own.or(new KeptRestoreValues(stacks));
        return originSecret == null ? kept : kept.or(originSecret.values(plan));
    }

    /**
     * The image the compute stack runs, kept unless {@code refresh}; Amazon's newest when the stack does
     * not run one yet, when refreshing, or when {@code lookUpNewest} (a plan says whether a newer one exists).
     */
    ImageChoice chooseImage(StackPlan plan, boolean refresh, boolean lookUpNewest) {
        StackSpec compute = plan.stack(COMPUTE);
        Optional<String> running = stacks.status(compute.name(), compute.region())
                .filter(live -> !live.underReview() && !live.failedCreate())
                .flatMap(AwsIaasDeployer::runningImage);
        Optional<String> newest = refresh || lookUpNewest || running.isEmpty()
                ? Optional.of(images.imageId(compute.region(), AwsIaasRenderer.LATEST_IMAGE_PARAMETER))
                : Optional.empty();
        return new ImageChoice(running, newest, refresh, AwsIaasRenderer.LATEST_IMAGE_PARAMETER);
    }

    /**
     * The image id the live compute stack was given; a stack deployed when the parameter was of SSM type
     * holds the SSM name, and the image CloudFormation resolved it to at its last update as its resolved value.
     */
    private static Optional<String> runningImage(LiveStack compute) {
        return Optional.ofNullable(compute.parameters().get(AwsIaasRenderer.IMAGE_ID_PARAMETER)).filter(ImageChoice::isImageId)
                .or(() -> Optional.ofNullable(compute.resolvedParameters().get(AwsIaasRenderer.IMAGE_ID_PARAMETER))
                        .filter(ImageChoice::isImageId));
    }

    /** Says that the instances' virtualenv adds gunicorn, as the on-prem wheelhouse does, when the requirements lack it. */
    private void noteAddedServer(AppDescriptor descriptor) {
        ServerRequirement.toAdd(descriptor).ifPresent(pin -> progress.warn("release", ServerRequirement.addedNote(descriptor, pin)));
    }

    /** {@code releases} and {@code deploy --rollback} of this tier's stacks. */
    public IaasReleases releases() {
        return new IaasReleases(stacks, stackSet, s3, progress, clock);
    }

    /** Where the migrations of release {@code id} are recorded, beside it. */
    static String migrationsKey(String id) {
        return RELEASES_PREFIX + id + ".migrations";
    }

    private ReleaseMigrationRecords migrationRecords(String region) {
        return new ReleaseMigrationRecords(s3.apply(region), progress);
    }

    /** Uploads the release unless an object with its key is already there (the key is a content hash). */
    boolean uploadRelease(BackendRelease release, String bucket, String region) {
        return new S3Objects(s3.apply(region), progress).uploadUnlessPresent(bucket, release.key(), "application/gzip",
                release.archive());
    }

    /**
     * The plan from the descriptor alone: every resource of every template as a creation and every
     * file of the React build as an upload, with no AWS call.
     */
    public Plan planOffline(AppDescriptor descriptor, StackPlan plan, String digest) {
        noteAddedServer(descriptor);
        return offlinePlanner(clock).plan(descriptor, plan, digest);
    }

    /** What {@link #planOffline} uses, made without a deployer or any client. */
    public static OfflineStackPlanner offlinePlanner(Clock clock) {
        return new OfflineStackPlanner(TARGET, clock);
    }

    /** {@link #plan(AppDescriptor, StackPlan, String, String, Options)} of a deploy asking nothing beyond the descriptor. */
    public Plan plan(AppDescriptor descriptor, StackPlan plan, String version, String digest) {
        return plan(descriptor, plan, version, digest, Options.DEFAULT);
    }

    /**
     * Change sets per existing stack (deleted again), template resources for stacks still to create, the
     * image the instances will run (kept, or refreshed when {@code options} ask) and the site files; a
     * change to the database says whether the deploy refuses it.
     */
    public Plan plan(AppDescriptor descriptor, StackPlan plan, String version, String digest, Options options) {
        LiveStackPlanner planner = new LiveStackPlanner(TARGET, stacks, s3, progress, clock);
        noteAddedServer(descriptor);
        ImageChoice image = chooseImage(plan, options.refreshImage(), true);
        progress.step("image", image.summary());
        LiveStackPlanner.PlannedStacks planned = planner.stacks(plan, version,
                deployTime(plan, BackendRelease.of(descriptor), image, options, outputs -> { }), options.consent());
        List<PlannedChange> changes = new ArrayList<>(planned.changes());
        changes.add(image.change(new TargetPlan(TARGET, clock).resource(plan.stack(COMPUTE), "image")));
        changes.addAll(planner.site(descriptor, planned.output(STATIC, SITE_BUCKET_OUTPUT), plan.stack(STATIC).region()));
        return planner.plan(descriptor, digest, changes, planned.fingerprints());
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
     * Deletes the stacks, last first (see {@link StackSet#destroy}): buckets emptied only when
     * {@code emptyBuckets} (the operator confirmed); the data stack, with its termination protection
     * and its RDS instance's deletion protection, only when {@code liftProtection} (the operator
     * asked to delete the database too).
     */
    public List<String> destroy(StackPlan plan, boolean emptyBuckets, boolean liftProtection) {
        try {
            return stackSet.destroy(plan, Map.of(STATIC, SITE_BUCKET_OUTPUT, ARTIFACTS, ARTIFACT_BUCKET_OUTPUT),
                    emptyBuckets, liftProtection, this::protectedDatabase);
        } catch (StackSetException e) {
            // Callers of this tier know its refusals by IaasDeployException.
            throw new IaasDeployException(e.getMessage(), e);
        }
    }

    /** The data stack's RDS instance when it has deletion protection on. */
    private Optional<DatabaseProtection.ProtectedDatabase> protectedDatabase(StackSpec spec) {
        if (!DATA.equals(spec.key())) {
            return Optional.empty();
        }
        return resources.physicalId(spec.region(), spec.name(), LiveResources.DB_TYPE)
                .filter(id -> resources.deletionProtected(spec.region(), id))
                .map(id -> new DatabaseProtection.ProtectedDatabase("RDS instance " + id,
                        () -> resources.turnOffDeletionProtection(spec.region(), id)));
    }
}

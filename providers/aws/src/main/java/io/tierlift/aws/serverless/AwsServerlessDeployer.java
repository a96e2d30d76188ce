package io.tierlift.aws.serverless;

import io.tierlift.aws.secretsmanager.AppSecretSync;
import io.tierlift.aws.secretsmanager.OriginSecretVersions;

import io.tierlift.aws.DeployTimeValues;
import io.tierlift.aws.LiveStackPlanner;
import io.tierlift.aws.OfflineStackPlanner;
import io.tierlift.aws.StackSet;
import io.tierlift.aws.restore.KeptRestoreValues;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudfront.CloudFrontInvalidator;
import io.tierlift.aws.lambda.LambdaPackage;
import io.tierlift.aws.rds.AutomatedBackups;
import io.tierlift.aws.s3.S3Objects;
import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.iaas.ArtifactsStack;
import io.tierlift.render.aws.iaas.StaticSiteStack;
import io.tierlift.render.aws.serverless.DatabasePath;
import software.amazon.awssdk.services.s3.S3Client;

import io.tierlift.render.aws.serverless.ApiStack;

import io.tierlift.aws.s3.ReleaseMigrationRecords;
import io.tierlift.release.SchemaMigrations;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Deploys, plans, reports and destroys the aws-serverless stacks the renderer planned. A deploy:
 * builds the function's package and uploads it under its content key when missing; deploys the
 * stacks in order (outputs of earlier ones as parameters, the key as {@code CodeKey}), which
 * publishes a new version of the function while the alias API Gateway invokes stays on the version
 * it serves; writes the app's secret variables into the app secret right after the data stack made
 * it, so the function finds them at its first cold start; runs the release command in the release
 * function (the new code, with a timeout of its own); only then moves the alias to the new version
 * (a second update of the api stack); and syncs the React build to the site bucket, invalidating the
 * changed paths on the distribution. A failed release command stops the deploy with the alias, so
 * the old code, still serving and the site unchanged. {@link #rollback} moves the alias back to the
 * version it served before ({@link ServerlessReleases}).
 */
public final class AwsServerlessDeployer {
    public static final String TARGET = "aws-serverless";
    static final String PACKAGE_KEY = "lambda-package-key";
    static final String ARTIFACTS = ArtifactsStack.KEY;
    static final String DATA = StackSet.DATA_STACK;
    static final String API = "api";
    static final String STATIC = StaticSiteStack.KEY;
    static final String FUNCTION_NAME_OUTPUT = "FunctionName";
    static final String API_DOMAIN_OUTPUT = "ApiDomainName";
    static final String LOGICAL_REPLICATION_OFF = "0";
    static final String CONFIGURATION_DIGEST = "function-configuration-digest";
    static final String LIVE_VERSION = "live-version";
    static final String PREVIOUS_VERSION = "previous-version";
    static final String ALIAS_VERSION = "alias-version";
    /** The plan's address of the alias step. */
    static final String ALIAS_ADDRESS = TARGET + ".alias";
    /** What the alias follows until a first release command succeeded. */
    static final String LATEST = "$LATEST";

    private final StackSet stackSet;
    private final Function<String, S3Client> s3;
    private final Function<AppDescriptor, LambdaPackage> packager;
    private final AppSecretSync appSecret;
    private final OriginSecretVersions originSecret;
    private final ReleaseInvoker release;
    private final FunctionLookup functions;
    private final ClusterBackupsLookup clusterBackups;
    private final CloudFrontInvalidator invalidator;
    private final Progress progress;
    private final Clock clock;
    private final CfnJson json = new CfnJson();
    private final AuroraDataStack dataStack;

    public AwsServerlessDeployer(StackSet stackSet, Function<String, S3Client> s3, Function<AppDescriptor, LambdaPackage> packager,
                                 AppSecretSync appSecret, OriginSecretVersions originSecret, ReleaseInvoker release,
                                 FunctionLookup functions, ClusterBackupsLookup clusterBackups, CloudFrontInvalidator invalidator,
                                 Progress progress, Clock clock) {
        this.stackSet = stackSet;
        this.s3 = s3;
        this.packager = packager;
        this.appSecret = appSecret;
        this.originSecret = originSecret;
        this.release = release;
        this.functions = functions;
        this.clusterBackups = clusterBackups;
        this.invalidator = invalidator;
        this.progress = progress;
        this.clock = clock;
        this.dataStack = new AuroraDataStack(stackSet.stacks(), progress);
    }

    /** What one deploy did. */
    public record DeployReport(Map<String, Boolean> stacksChanged, String packageKey, boolean packageUploaded,
                               boolean secretWritten, Optional<ReleaseInvoker.ReleaseOutcome> releaseCommand,
                               AliasState alias, StackSet.SiteUpload site) {
        public boolean changed() {
            return stacksChanged.containsValue(true) || packageUploaded || secretWritten || alias.moved() || site.changed();
        }
    }

    /**
     * The version the alias served before ({@code from}) and serves now ({@code to}; equal when it
     * did not move), and the version {@code deploy --rollback} would go back to (empty: none).
     */
    public record AliasState(String from, String to, String previous) {
        public boolean moved() {
            return !from.equals(to);
        }
    }

    /**
     * The alias's versions as the live api stack records them: what it serves and what it served before;
     * and the version it points at, read from Lambda ({@code hold}): during maintenance a maintenance
     * version, and whatever the stack last said, maintenance on or off may have moved it since.
     */
    private record Serving(String live, String previous, String alias) {
        static Serving of(Optional<LiveStack> api, MaintenanceHold hold) {
            Map<String, String> parameters = api.map(LiveStack::parameters).orElse(Map.of());
            String live = parameters.getOrDefault(ApiStack.LIVE_VERSION_PARAMETER, LATEST);
            return new Serving(live, parameters.getOrDefault(ApiStack.PREVIOUS_VERSION_PARAMETER, ""),
                    hold.aliasVersion().orElse(live));
        }
    }

    /**
     * {@code maintenance}: where the alias points now and whether maintenance is on (read before
     * anything changes); with maintenance on, the alias moves straight to a maintenance version of the
     * new code. {@code releaseCommand} false (a migration's provision, whose copy brings the schema)
     * sets up the app's database role in the new code without running the release command.
     */
    public DeployReport deploy(AppDescriptor descriptor, StackPlan plan, String version, MaintenanceHold maintenance,
                               boolean releaseCommand) {
        LambdaPackage built = packager.apply(descriptor);
        AtomicBoolean uploaded = new AtomicBoolean();
        AtomicBoolean secretWritten = new AtomicBoolean();
        StackSpec apiSpec = plan.stack(API);
        // The alias stays where it is while the stacks change: the new version is only published.
        Serving before = Serving.of(stackSet.stacks().status(apiSpec.name(), apiSpec.region()).filter(l -> !l.failedCreate()),
                maintenance);
        if (maintenance.on()) {
            maintenance.clearUnpublished();
        }
        StackSet.DeployedStacks deployed = stackSet.deployInOrder(plan, version, deployTime(plan, built, before, outputs -> {
            String bucket = StackSet.output(plan, outputs, ARTIFACTS, ArtifactsStack.BUCKET_NAME);
            if (uploadPackage(built, bucket, plan.stack(ARTIFACTS).region())) {
                uploaded.set(true);
            }
            new ReleaseMigrationRecords(s3.apply(plan.stack(ARTIFACTS).region()), progress).write(bucket, migrationsKey(built.sha256()),
                    SchemaMigrations.in(descriptor.baseDir().resolve(descriptor.backend().path()).normalize()));
        }), (spec, result) -> {
            if (DATA.equals(spec.key())) {
                secretWritten.set(appSecret.write(descriptor, spec.region(), result.outputs()));
            }
        });
        Map<String, Map<String, String>> outputs = deployed.outputs();
        // Invoked even without a release command: the release step also sets up the app's database role.
        ReleaseInvoker.ReleaseOutcome ran = runReleaseCommand(descriptor, plan, outputs, releaseCommand);
        Optional<ReleaseInvoker.ReleaseOutcome> outcome = descriptor.backend().releaseCommand().filter(command -> releaseCommand)
                .map(command -> ran);
        AliasState alias = moveAliasToPublished(plan, version, built, before, outputs, maintenance);
        StackSet.SiteUpload site = stackSet.syncSite(descriptor, StackSet.output(plan, outputs, STATIC, StaticSiteStack.SITE_BUCKET),
                plan.stack(STATIC).region(), invalidator, StackSet.output(plan, outputs, STATIC, StaticSiteStack.DISTRIBUTION_ID));
        return new DeployReport(deployed.changed(), built.key(), uploaded.get(), secretWritten.get(), outcome, alias, site);
    }

    /**
     * Once the release command succeeded (or there is none): the version the api stack published
     * serves, through the stack (its LiveVersion parameter), recording the version it leaves for a
     * rollback; the alias moves there, or during maintenance to a maintenance version of it published
     * first, so the new code never answers while maintenance is on. Nothing moves when the alias
     * already serves it.
     */
    private AliasState moveAliasToPublished(StackPlan plan, String version, LambdaPackage built, Serving before,
                                            Map<String, Map<String, String>> outputs, MaintenanceHold maintenance) {
        String published = StackSet.output(plan, outputs, API, ApiStack.PUBLISHED_VERSION);
        if (published.equals(before.live())) {
            return new AliasState(before.live(), before.live(), before.previous());
        }
        String aliasTarget = maintenance.on() ? maintenance.publishMaintenanceVersion(published) : published;
        Serving after = new Serving(published, LATEST.equals(before.live()) ? "" : before.live(), aliasTarget);
        StackSpec api = plan.stack(API);
        progress.step(api.name(), "moving alias " + ApiStack.ALIAS + " from version " + before.alias() + " to " + aliasTarget
                + (maintenance.on() ? " (version " + published + " with maintenance on; " + published + " serves once it is off)" : ""));
        Map<String, String> parameters = StackSet.parameters(api, plan, outputs, deployTime(plan, built, after, unused -> { }));
        stackSet.deploy(StackSet.request(api, parameters, plan, version));
        return new AliasState(before.live(), published, after.previous());
    }

    /** {@code releases} and {@code deploy --rollback}: the function's versions and the alias. */
    public ServerlessReleases releases() {
        return new ServerlessReleases(stackSet, s3, functions, progress, clock);
    }

    /** Where the migrations of the package with this SHA-256 (hex) are recorded. */
    static String migrationsKey(String sha256) {
        return "migrations/" + sha256 + ".txt";
    }

    /**
     * The stacks' deploy-time values: the package's key ({@code beforePackageKey} gets the outputs so far
     * just before it is handed out; a deploy uploads the package there), the digest that decides whether
     * a new version is published, the alias's versions ({@code serving}) and the origin secret's
     * versions. Logical replication of a
     * cluster that should pause keeps the value the live stack has: a deploy during a migration must
     * not turn it off under the migration, and only a migration turns it on.
     */
    private DeployTimeValues deployTime(StackPlan plan, LambdaPackage built, Serving serving,
                                        Consumer<Map<String, Map<String, String>>> beforePackageKey) {
        DeployTimeValues own = (spec, name, outputs) -> switch (name) {
            case PACKAGE_KEY -> {
                beforePackageKey.accept(outputs);
                yield Optional.of(built.key());
            }
            case CONFIGURATION_DIGEST -> Optional.of(FunctionVersionDigest.of(spec, plan, outputs, built.key()));
            case LIVE_VERSION -> Optional.of(serving.live());
            case PREVIOUS_VERSION -> Optional.of(serving.previous());
            case ALIAS_VERSION -> Optional.of(serving.alias());
            case DatabasePath.LOGICAL_REPLICATION_VALUE -> Optional.of(liveParameter(spec, DatabasePath.LOGICAL_REPLICATION_PARAMETER)
                    .orElse(LOGICAL_REPLICATION_OFF));
            default -> Optional.empty();
        };
        return own.or(new KeptRestoreValues(stackSet.stacks())).or(originSecret.values(plan));
    }

    /** The live data stack's changes outside a deploy (logical replication, deletion protection). */
    public AuroraDataStack dataStack() {
        return dataStack;
    }

    private Optional<String> liveParameter(StackSpec spec, String parameter) {
        return stackSet.stacks().status(spec.name(), spec.region())
                .filter(live -> !"DELETE_COMPLETE".equals(live.status()))
                .map(live -> live.parameters().get(parameter));
    }

    /**
     * Invoked on every deploy, not only when the code changed: a release command that failed last
     * time must run again once fixed, and release commands are written to be repeatable.
     */
    private ReleaseInvoker.ReleaseOutcome runReleaseCommand(AppDescriptor descriptor, StackPlan plan,
                                                            Map<String, Map<String, String>> outputs, boolean releaseCommand) {
        String function = StackSet.output(plan, outputs, API, ApiStack.RELEASE_FUNCTION_NAME);
        if (!releaseCommand && descriptor.backend().releaseCommand().isPresent()) {
            progress.step("lambda", "release command not run: the migration copies the schema");
        }
        progress.step("lambda", descriptor.backend().releaseCommand().filter(command -> releaseCommand)
                .map(command -> "setting up the app's database role and running the release command '" + command + "'")
                .orElse("setting up the app's database role") + " in " + function + " (the new code; alias "
                + ApiStack.ALIAS + " still serves version " + StackSet.output(plan, outputs, API, ApiStack.LIVE_VERSION_PARAMETER) + ")");
        ReleaseInvoker.ReleaseOutcome outcome = releaseCommand ? release.run(plan.stack(API).region(), function)
                : release.setUpAppRole(plan.stack(API).region(), function);
        String output = outcome.output().stripTrailing();
        if (!output.isEmpty()) {
            output.lines().forEach(line -> progress.step("release", line));
        }
        if (!outcome.succeeded()) {
            throw new ServerlessDeployException("the release command failed in " + function + " ("
                    + (outcome.timedOut() ? "timed out" : "exit code " + outcome.exitCode()) + "); the deploy stopped before "
                    + "alias " + ApiStack.ALIAS + " moved, so version " + StackSet.output(plan, outputs, API,
                    ApiStack.LIVE_VERSION_PARAMETER) + " still serves, and before the site was updated. Its output:\n" + output);
        }
        return outcome;
    }

    /**
     * tierlift exec: {@code argv} in a one-off invocation of the live code (the function's alias, as
     * API Gateway invokes it), run as the release command runs; the adapter logs who ran what.
     */
    public ReleaseInvoker.ReleaseOutcome exec(StackPlan plan, List<String> argv, String operator) {
        StackSpec api = plan.stack(API);
        String function = stackSet.stacks().status(api.name(), api.region())
                .filter(live -> !live.status().startsWith("DELETE_"))
                .map(live -> live.outputs().get(FUNCTION_NAME_OUTPUT))
                .orElseThrow(() -> new ServerlessDeployException("stack " + api.name() + " in " + api.region()
                        + " has no function: deploy aws-serverless first"));
        String qualified = function + ":" + ApiStack.ALIAS;
        progress.step("exec", "running " + argv.get(0) + " in a one-off invocation of " + qualified);
        return release.exec(api.region(), qualified, argv, operator);
    }

    /** Uploads the package unless an object with its key is there (the key is named after the content). */
    boolean uploadPackage(LambdaPackage built, String bucket, String region) {
        return new S3Objects(s3.apply(region), progress).uploadUnlessPresent(bucket, built.key(), "application/zip", built.zip());
    }

    /** Every resource of every template as a creation and every site file as an upload, with no AWS call (and no pip). */
    public Plan planOffline(AppDescriptor descriptor, StackPlan plan, String digest) {
        return offlinePlanner(clock).plan(descriptor, plan, digest);
    }

    /** What {@link #planOffline} uses, made without a deployer or any client. */
    public static OfflineStackPlanner offlinePlanner(Clock clock) {
        return new OfflineStackPlanner(TARGET, clock, List.of(PlannedChange.of(TARGET + ".package", "lambda-package",
                Action.CREATE, "offline: build the function's package and upload it when its key is missing (not built offline)")));
    }

    /** Change sets per existing stack (deleted again), template resources for stacks still to create, the package and the site files. */
    public Plan plan(AppDescriptor descriptor, StackPlan plan, String version, String digest, MaintenanceHold maintenance) {
        LambdaPackage built = packager.apply(descriptor);
        LiveStackPlanner planner = new LiveStackPlanner(TARGET, stackSet.stacks(), s3, progress, clock);
        StackSpec api = plan.stack(API);
        Optional<LiveStack> liveApi = stackSet.stacks().status(api.name(), api.region()).filter(l -> !l.failedCreate());
        Serving serving = Serving.of(liveApi, maintenance);
        LiveStackPlanner.PlannedStacks planned = planner.stacks(plan, version, deployTime(plan, built, serving, outputs -> { }));
        List<PlannedChange> changes = new ArrayList<>(planned.changes());
        boolean waitingVersion = liveApi.map(l -> l.outputs().get(ApiStack.PUBLISHED_VERSION))
                .filter(published -> !published.equals(serving.live())).isPresent();
        changes.add(aliasChange(liveApi.isPresent(), serving, waitingVersion, changes, maintenance.on()));
        boolean packageThere = planned.output(ARTIFACTS, ArtifactsStack.BUCKET_NAME)
                .map(bucket -> new S3Objects(s3.apply(plan.stack(ARTIFACTS).region()), progress).head(bucket, built.key()).isPresent())
                .orElse(false);
        changes.add(PlannedChange.of(TARGET + ".package", "lambda-package", packageThere ? Action.NO_OP : Action.CREATE,
                packageThere ? built.key() + " is already uploaded" : "upload " + built.key()));
        changes.addAll(planner.site(descriptor, planned.output(STATIC, StaticSiteStack.SITE_BUCKET), plan.stack(STATIC).region()));
        return planner.plan(descriptor, digest, changes, planned.fingerprints());
    }

    /** What a deploy does to the alias API Gateway invokes, and where {@code deploy --rollback} would take it. */
    private static PlannedChange aliasChange(boolean apiExists, Serving serving, boolean waitingVersion,
                                             List<PlannedChange> stackChanges, boolean maintenance) {
        String publishes = TARGET + "." + API + "." + ApiStack.VERSION;
        boolean newVersion = stackChanges.stream().anyMatch(c -> c.address().equals(publishes) && c.action() != Action.NO_OP);
        if (!apiExists) {
            return PlannedChange.of(ALIAS_ADDRESS, "lambda-alias", Action.CREATE, "alias " + ApiStack.ALIAS
                    + " follows the new code until the release command succeeded, then serves the first published version");
        }
        // A version published by an earlier deploy whose release command failed waits for the alias too.
        if (newVersion || waitingVersion || LATEST.equals(serving.live())) {
            return PlannedChange.of(ALIAS_ADDRESS, "lambda-alias", Action.UPDATE, "alias " + ApiStack.ALIAS + " serves version "
                    + serving.live() + " until the release command succeeded in the new version, then moves to it"
                    + (maintenance ? " (to a version of it published with maintenance on: maintenance stays on)" : "")
                    + (LATEST.equals(serving.live()) ? "" : " (deploy --rollback then goes back to version " + serving.live() + ")"));
        }
        return PlannedChange.of(ALIAS_ADDRESS, "lambda-alias", Action.NO_OP, "alias " + ApiStack.ALIAS + " serves version "
                + serving.live() + (serving.previous().isEmpty() ? "; no version before it to roll back to"
                : "; deploy --rollback goes back to version " + serving.previous()));
    }

    /**
     * Stacks in deploy order, the function (when the api stack names it), the API endpoint, and the
     * cluster's automated backups (when the data stack exists and is not being deleted).
     */
    public ServerlessStatus status(StackPlan plan) {
        List<ServerlessStatus.StackState> states = new ArrayList<>();
        Map<String, String> api = Map.of();
        boolean dataStack = false;
        for (StackSpec spec : plan.stacks()) {
            Optional<LiveStack> live = stackSet.stacks().status(spec.name(), spec.region());
            states.add(new ServerlessStatus.StackState(spec.key(), spec.name(), spec.region(), live.map(LiveStack::status),
                    live.map(LiveStack::outputs).orElse(Map.of())));
            if (API.equals(spec.key()) && live.isPresent()) {
                api = live.get().outputs();
            }
            if (DATA.equals(spec.key())) {
                dataStack = live.filter(l -> !l.status().startsWith("DELETE_")).isPresent();
            }
        }
        Optional<ServerlessStatus.FunctionState> function = Optional.ofNullable(api.get(FUNCTION_NAME_OUTPUT))
                .flatMap(name -> functions.describe(plan.stack(API).region(), name));
        Optional<String> endpoint = Optional.ofNullable(api.get(API_DOMAIN_OUTPUT)).map(domain -> "https://" + domain + "/");
        Optional<AutomatedBackups> backups = Optional.empty();
        List<String> missing = new ArrayList<>();
        if (dataStack) {
            StackSpec data = plan.stack(DATA);
            backups = clusterBackups.describe(data.region(), data.name());
            if (backups.isEmpty()) {
                missing.add("stack " + data.name() + " has no Aurora cluster");
            }
        }
        return new ServerlessStatus(states, function, endpoint, backups, missing);
    }

    /**
     * Last stack first; buckets emptied only when confirmed; the data stack only with {@code liftProtection}.
     * Then the cluster's own DeletionProtection is lifted too, before any stack is deleted: AWS refuses to
     * delete a protected cluster, and the stack deletion would fail after the other stacks were gone.
     */
    public List<String> destroy(StackPlan plan, boolean emptyBuckets, boolean liftProtection) {
        if (liftProtection) {
            dataStack.liftClusterDeletionProtection(plan);
        }
        return stackSet.destroy(plan, Map.of(STATIC, StaticSiteStack.SITE_BUCKET, ARTIFACTS, ArtifactsStack.BUCKET_NAME),
                emptyBuckets, liftProtection);
    }
}

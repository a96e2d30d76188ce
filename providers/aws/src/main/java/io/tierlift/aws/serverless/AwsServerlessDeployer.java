package io.tierlift.aws.serverless;

import io.tierlift.aws.secretsmanager.AppSecretSync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.aws.DeployTimeValues;
import io.tierlift.aws.LiveStackPlanner;
import io.tierlift.aws.OfflineStackPlanner;
import io.tierlift.aws.StackSet;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.aws.cloudfront.CloudFrontInvalidator;
import io.tierlift.aws.lambda.LambdaPackage;
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
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Deploys, plans, reports and destroys the aws-serverless stacks the renderer planned. A deploy:
 * builds the function's package and uploads it under its content key when missing; deploys the
 * stacks in order (outputs of earlier ones as parameters, the key as {@code CodeKey}); writes the
 * app's secret variables into the app secret right after the data stack made it, so the function
 * finds them at its first cold start; runs the release command in the function; and syncs the React
 * build to the site bucket, invalidating the changed paths on the distribution. A failed release
 * command stops the deploy before the site changes.
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

    private final StackSet stackSet;
    private final Function<String, S3Client> s3;
    private final Function<AppDescriptor, LambdaPackage> packager;
    private final AppSecretSync appSecret;
    private final ReleaseInvoker release;
    private final FunctionLookup functions;
    private final CloudFrontInvalidator invalidator;
    private final Progress progress;
    private final Clock clock;
    private final CfnJson json = new CfnJson();
    private final ObjectMapper mapper = new ObjectMapper();

    public AwsServerlessDeployer(StackSet stackSet, Function<String, S3Client> s3, Function<AppDescriptor, LambdaPackage> packager,
                                 AppSecretSync appSecret, ReleaseInvoker release,
                                 FunctionLookup functions, CloudFrontInvalidator invalidator, Progress progress, Clock clock) {
        this.stackSet = stackSet;
        this.s3 = s3;
        this.packager = packager;
        this.appSecret = appSecret;
        this.release = release;
        this.functions = functions;
        this.invalidator = invalidator;
        this.progress = progress;
        this.clock = clock;
    }

    /** What one deploy did. */
    public record DeployReport(Map<String, Boolean> stacksChanged, String packageKey, boolean packageUploaded,
                               boolean secretWritten, Optional<ReleaseInvoker.ReleaseOutcome> releaseCommand,
                               StackSet.SiteUpload site) {
        public boolean changed() {
            return stacksChanged.containsValue(true) || packageUploaded || secretWritten || site.changed();
        }
    }

    public DeployReport deploy(AppDescriptor descriptor, StackPlan plan, String version) {
        LambdaPackage built = packager.apply(descriptor);
        AtomicBoolean uploaded = new AtomicBoolean();
        AtomicBoolean secretWritten = new AtomicBoolean();
        StackSet.DeployedStacks deployed = stackSet.deployInOrder(plan, version, deployTime(built, outputs -> {
            if (uploadPackage(built, StackSet.output(plan, outputs, ARTIFACTS, ArtifactsStack.BUCKET_NAME),
                    plan.stack(ARTIFACTS).region())) {
                uploaded.set(true);
            }
        }), (spec, result) -> {
            if (DATA.equals(spec.key())) {
                secretWritten.set(appSecret.write(descriptor, spec.region(), result.outputs()));
            }
        });
        Map<String, Map<String, String>> outputs = deployed.outputs();
        // Invoked even without a release command: the release step also sets up the app's database role.
        ReleaseInvoker.ReleaseOutcome ran = runReleaseCommand(descriptor, plan, outputs);
        Optional<ReleaseInvoker.ReleaseOutcome> outcome = descriptor.backend().releaseCommand().map(command -> ran);
        StackSet.SiteUpload site = stackSet.syncSite(descriptor, StackSet.output(plan, outputs, STATIC, StaticSiteStack.SITE_BUCKET),
                plan.stack(STATIC).region(), invalidator, StackSet.output(plan, outputs, STATIC, StaticSiteStack.DISTRIBUTION_ID));
        return new DeployReport(deployed.changed(), built.key(), uploaded.get(), secretWritten.get(), outcome, site);
    }

    /**
     * The package's key; {@code beforePackageKey} gets the outputs so far just before the key is
     * handed out (a deploy uploads the package there).
     */
    private static DeployTimeValues deployTime(LambdaPackage built, Consumer<Map<String, Map<String, String>>> beforePackageKey) {
        return (spec, name, outputs) -> {
            if (!PACKAGE_KEY.equals(name)) {
                return Optional.empty();
            }
            beforePackageKey.accept(outputs);
            return Optional.of(built.key());
        };
    }

    /**
     * Invoked on every deploy, not only when the code changed: a release command that failed last
     * time must run again once fixed, and release commands are written to be repeatable.
     */
    private ReleaseInvoker.ReleaseOutcome runReleaseCommand(AppDescriptor descriptor, StackPlan plan,
                                                            Map<String, Map<String, String>> outputs) {
        String function = StackSet.output(plan, outputs, API, FUNCTION_NAME_OUTPUT);
        progress.step("lambda", descriptor.backend().releaseCommand()
                .map(command -> "setting up the app's database role and running the release command '" + command + "'")
                .orElse("setting up the app's database role") + " in " + function);
        ReleaseInvoker.ReleaseOutcome outcome = release.run(plan.stack(API).region(), function);
        String output = outcome.output().stripTrailing();
        if (!output.isEmpty()) {
            output.lines().forEach(line -> progress.step("release", line));
        }
        if (!outcome.succeeded()) {
            throw new ServerlessDeployException("the release command failed in " + function + " ("
                    + (outcome.timedOut() ? "timed out" : "exit code " + outcome.exitCode()) + "); the deploy stopped before "
                    + "the site was updated. Its output:\n" + output);
        }
        return outcome;
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
    public Plan plan(AppDescriptor descriptor, StackPlan plan, String version, String digest) {
        LambdaPackage built = packager.apply(descriptor);
        LiveStackPlanner planner = new LiveStackPlanner(TARGET, stackSet.stacks(), s3, progress, clock);
        LiveStackPlanner.PlannedStacks planned = planner.stacks(plan, version, deployTime(built, outputs -> { }));
        List<PlannedChange> changes = new ArrayList<>(planned.changes());
        boolean packageThere = planned.output(ARTIFACTS, ArtifactsStack.BUCKET_NAME)
                .map(bucket -> new S3Objects(s3.apply(plan.stack(ARTIFACTS).region()), progress).head(bucket, built.key()).isPresent())
                .orElse(false);
        changes.add(PlannedChange.of(TARGET + ".package", "lambda-package", packageThere ? Action.NO_OP : Action.CREATE,
                packageThere ? built.key() + " is already uploaded" : "upload " + built.key()));
        changes.addAll(planner.site(descriptor, planned.output(STATIC, StaticSiteStack.SITE_BUCKET), plan.stack(STATIC).region()));
        return planner.plan(descriptor, digest, changes, planned.fingerprints());
    }

    /** Stacks in deploy order, the function (when the api stack names it) and the API endpoint. */
    public ServerlessStatus status(StackPlan plan) {
        List<ServerlessStatus.StackState> states = new ArrayList<>();
        Map<String, String> api = Map.of();
        for (StackSpec spec : plan.stacks()) {
            Optional<LiveStack> live = stackSet.stacks().status(spec.name(), spec.region());
            states.add(new ServerlessStatus.StackState(spec.key(), spec.name(), spec.region(), live.map(LiveStack::status),
                    live.map(LiveStack::outputs).orElse(Map.of())));
            if (API.equals(spec.key()) && live.isPresent()) {
                api = live.get().outputs();
            }
        }
        Optional<ServerlessStatus.FunctionState> function = Optional.ofNullable(api.get(FUNCTION_NAME_OUTPUT))
                .flatMap(name -> functions.describe(plan.stack(API).region(), name));
        Optional<String> endpoint = Optional.ofNullable(api.get(API_DOMAIN_OUTPUT)).map(domain -> "https://" + domain + "/");
        return new ServerlessStatus(states, function, endpoint);
    }

    /**
     * Last stack first; buckets emptied only when confirmed; the data stack only with {@code liftProtection}.
     * Then the cluster's own DeletionProtection is lifted too, before any stack is deleted: AWS refuses to
     * delete a protected cluster, and the stack deletion would fail after the other stacks were gone.
     */
    public List<String> destroy(StackPlan plan, boolean emptyBuckets, boolean liftProtection) {
        if (liftProtection) {
            liftClusterDeletionProtection(plan.stack(DATA));
        }
        return stackSet.destroy(plan, Map.of(STATIC, StaticSiteStack.SITE_BUCKET, ARTIFACTS, ArtifactsStack.BUCKET_NAME),
                emptyBuckets, liftProtection);
    }

    /**
     * Updates the live data stack to its template with DeletionProtection off on the cluster, with the
     * parameters and tags it has: through CloudFormation, so the stack stays the record of the cluster.
     */
    private void liftClusterDeletionProtection(StackSpec data) {
        Optional<LiveStack> live = stackSet.stacks().status(data.name(), data.region())
                .filter(l -> !"DELETE_COMPLETE".equals(l.status()));
        if (live.isEmpty()) {
            return;
        }
        ObjectNode template;
        try {
            template = (ObjectNode) mapper.readTree(json.write(data.template()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        boolean protectedCluster = false;
        for (JsonNode resource : template.path("Resources")) {
            JsonNode properties = resource.path("Properties");
            if ("AWS::RDS::DBCluster".equals(resource.path("Type").asText()) && properties.path("DeletionProtection").asBoolean(false)) {
                ((ObjectNode) properties).put("DeletionProtection", false);
                protectedCluster = true;
            }
        }
        if (!protectedCluster) {
            return;
        }
        progress.step(data.name(), "turning the database's deletion protection off (--force-data-deletion)");
        Set<Capability> capabilities = data.capabilities().stream().map(Capability::fromValue).collect(Collectors.toSet());
        stackSet.stacks().deploy(new StackRequest(data.name(), data.region(), template.toString(), live.get().parameters(),
                live.get().tags(), live.get().terminationProtection(), capabilities));
    }
}

package io.tierlift.aws.serverless;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.aws.StackSet;
import io.tierlift.aws.cloudformation.ChangeSetPlan;
import io.tierlift.aws.cloudformation.DeployResult;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.PlannedChangeMapper;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.aws.cloudfront.CloudFrontInvalidator;
import io.tierlift.aws.lambda.LambdaPackage;
import io.tierlift.aws.s3.S3Sync;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.EnvValue;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.iaas.ArtifactsStack;
import io.tierlift.render.aws.iaas.StaticSiteStack;
import io.tierlift.secret.SecretResolver;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
    static final String DATA = "data";
    static final String API = "api";
    static final String STATIC = StaticSiteStack.KEY;
    static final String APP_SECRET_OUTPUT = "AppSecretArn";
    static final String FUNCTION_NAME_OUTPUT = "FunctionName";
    static final String API_DOMAIN_OUTPUT = "ApiDomainName";

    private final StackSet stackSet;
    private final Function<String, S3Client> s3;
    private final Function<AppDescriptor, LambdaPackage> packager;
    private final SecretResolver secrets;
    private final AppSecretWriter appSecret;
    private final ReleaseInvoker release;
    private final FunctionLookup functions;
    private final CloudFrontInvalidator invalidator;
    private final Progress progress;
    private final Clock clock;
    private final CfnJson json = new CfnJson();
    private final ObjectMapper mapper = new ObjectMapper();

    public AwsServerlessDeployer(StackSet stackSet, Function<String, S3Client> s3, Function<AppDescriptor, LambdaPackage> packager,
                                 SecretResolver secrets, AppSecretWriter appSecret, ReleaseInvoker release,
                                 FunctionLookup functions, CloudFrontInvalidator invalidator, Progress progress, Clock clock) {
        this.stackSet = stackSet;
        this.s3 = s3;
        this.packager = packager;
        this.secrets = secrets;
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
        Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
        Map<String, Boolean> changed = new LinkedHashMap<>();
        boolean uploaded = false;
        boolean secretWritten = false;
        for (StackSpec spec : plan.stacks()) {
            Map<String, String> parameters = new TreeMap<>();
            for (Map.Entry<String, ParameterSource> entry : spec.parameters().entrySet()) {
                if (entry.getValue() instanceof ParameterSource.DeployTime time && PACKAGE_KEY.equals(time.name())) {
                    uploaded |= uploadPackage(built, StackSet.output(plan, outputs, ARTIFACTS, ArtifactsStack.BUCKET_NAME),
                            plan.stack(ARTIFACTS).region());
                }
                parameters.put(entry.getKey(), resolve(spec, entry.getKey(), entry.getValue(), plan, outputs, built.key()));
            }
            DeployResult result = stackSet.deploy(request(spec, parameters, plan, version));
            changed.put(spec.key(), result.changed());
            outputs.put(spec.key(), result.outputs());
            if (DATA.equals(spec.key())) {
                secretWritten = writeAppSecret(descriptor, spec.region(), result.outputs());
            }
        }
        Optional<ReleaseInvoker.ReleaseOutcome> outcome = Optional.empty();
        if (descriptor.backend().releaseCommand().isPresent()) {
            outcome = Optional.of(runReleaseCommand(descriptor, plan, outputs));
        }
        StackSet.SiteUpload site = stackSet.syncSite(descriptor, StackSet.output(plan, outputs, STATIC, StaticSiteStack.SITE_BUCKET),
                plan.stack(STATIC).region(), invalidator, StackSet.output(plan, outputs, STATIC, StaticSiteStack.DISTRIBUTION_ID));
        return new DeployReport(changed, built.key(), uploaded, secretWritten, outcome, site);
    }

    /**
     * Invoked on every deploy, not only when the code changed: a release command that failed last
     * time must run again once fixed, and release commands are written to be repeatable.
     */
    private ReleaseInvoker.ReleaseOutcome runReleaseCommand(AppDescriptor descriptor, StackPlan plan,
                                                            Map<String, Map<String, String>> outputs) {
        String function = StackSet.output(plan, outputs, API, FUNCTION_NAME_OUTPUT);
        progress.step("lambda", "running the release command '" + descriptor.backend().releaseCommand().orElseThrow()
                + "' in " + function);
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

    /** The app's secret variables as one JSON object, written when the data stack has the app secret. */
    private boolean writeAppSecret(AppDescriptor descriptor, String region, Map<String, String> dataOutputs) {
        Map<String, String> values = new TreeMap<>();
        descriptor.backend().env().forEach((name, value) -> {
            if (value instanceof EnvValue.Secret secret) {
                values.put(name, secrets.resolve(secret.ref()).reveal());
            }
        });
        if (values.isEmpty()) {
            return false;
        }
        String arn = dataOutputs.get(APP_SECRET_OUTPUT);
        if (arn == null) {
            throw new ServerlessDeployException("the data stack has no output " + APP_SECRET_OUTPUT
                    + " although the app has secret variables " + values.keySet());
        }
        try {
            boolean wrote = appSecret.write(region, arn, mapper.writeValueAsString(values));
            progress.step("secretsmanager", wrote ? "app secret written (" + values.size() + " variable(s): " + values.keySet() + ")"
                    : "app secret unchanged");
            return wrote;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Uploads the package unless an object with its key is there (the key is named after the content). */
    boolean uploadPackage(LambdaPackage built, String bucket, String region) {
        S3Client client = s3.apply(region);
        if (exists(client, bucket, built.key())) {
            progress.step("s3://" + bucket, built.key() + " is already there");
            return false;
        }
        client.putObject(b -> b.bucket(bucket).key(built.key()).contentType("application/zip"), RequestBody.fromBytes(built.zip()));
        progress.step("s3://" + bucket, "uploaded " + built.key() + " (" + built.zippedBytes() + " bytes)");
        return true;
    }

    private static boolean exists(S3Client client, String bucket, String key) {
        try {
            client.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private String resolve(StackSpec spec, String parameter, ParameterSource source, StackPlan plan,
                           Map<String, Map<String, String>> outputs, String packageKey) {
        if (source instanceof ParameterSource.Literal literal) {
            return literal.value();
        }
        if (source instanceof ParameterSource.StackOutput out) {
            return StackSet.output(plan, outputs, out.stackKey(), out.outputName());
        }
        ParameterSource.DeployTime time = (ParameterSource.DeployTime) source;
        if (PACKAGE_KEY.equals(time.name())) {
            return packageKey;
        }
        throw new ServerlessDeployException("stack " + spec.key() + " parameter " + parameter + " needs deploy-time value '"
                + time.name() + "', which this version cannot produce");
    }

    private StackRequest request(StackSpec spec, Map<String, String> parameters, StackPlan plan, String version) {
        Map<String, String> tags = new TreeMap<>(plan.tags());
        tags.put("tierlift:version", version);
        Set<Capability> capabilities = spec.capabilities().stream().map(Capability::fromValue).collect(Collectors.toSet());
        return new StackRequest(spec.name(), spec.region(), json.write(spec.template()), parameters, tags,
                DATA.equals(spec.key()), capabilities);
    }

    /** Every resource of every template as a creation and every site file as an upload, with no AWS call (and no pip). */
    public Plan planOffline(AppDescriptor descriptor, StackPlan plan, String digest) {
        List<PlannedChange> changes = new ArrayList<>();
        for (StackSpec spec : plan.stacks()) {
            spec.template().resources().forEach(resource -> changes.add(new PlannedChange(address(spec, resource.logicalId()),
                    resource.type(), Action.CREATE, "offline: in the template of stack " + spec.name() + " (not compared with AWS)",
                    Optional.empty(), List.of(), false)));
        }
        changes.add(PlannedChange.of(TARGET + ".package", "lambda-package", Action.CREATE,
                "offline: build the function's package and upload it when its key is missing (not built offline)"));
        for (String key : StackSet.siteFiles(descriptor).keySet()) {
            changes.add(new PlannedChange(siteAddress(key), "s3-object", Action.CREATE,
                    "offline: upload " + key + " (not compared with the bucket)", Optional.empty(), List.of(), false));
        }
        return new Plan(Plan.FORMAT_VERSION, descriptor.app(), descriptor.environment(), TARGET, digest, clock.instant(),
                changes, Map.of());
    }

    /** Change sets per existing stack (deleted again), template resources for stacks still to create, the package and the site files. */
    public Plan plan(AppDescriptor descriptor, StackPlan plan, String version, String digest) {
        LambdaPackage built = packager.apply(descriptor);
        List<PlannedChange> changes = new ArrayList<>();
        Map<String, String> fingerprints = new TreeMap<>();
        Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
        PlannedChangeMapper mapper = new PlannedChangeMapper();
        boolean upstreamMissing = false;
        for (StackSpec spec : plan.stacks()) {
            Optional<LiveStack> live = stackSet.stacks().status(spec.name(), spec.region());
            live.ifPresent(l -> fingerprints.put(spec.name(), l.fingerprint()));
            if (live.isEmpty() || upstreamMissing) {
                upstreamMissing = true;
                spec.template().resources().forEach(resource -> changes.add(PlannedChange.of(address(spec, resource.logicalId()),
                        resource.type(), Action.CREATE, "create (new stack " + spec.name() + ")")));
                continue;
            }
            outputs.put(spec.key(), live.get().outputs());
            Map<String, String> parameters = new TreeMap<>();
            spec.parameters().forEach((name, source) -> parameters.put(name, resolve(spec, name, source, plan, outputs, built.key())));
            ChangeSetPlan planned = stackSet.stacks().planOnly(request(spec, parameters, plan, version));
            for (var change : planned.changes()) {
                PlannedChange mapped = mapper.map(spec.name(), change);
                changes.add(new PlannedChange(address(spec, change.logicalId()), mapped.kind(), mapped.action(),
                        mapped.summary(), mapped.diff(), mapped.reasons(), mapped.dataLoss()));
            }
        }
        Optional<String> artifacts = Optional.ofNullable(outputs.getOrDefault(ARTIFACTS, Map.of()).get(ArtifactsStack.BUCKET_NAME));
        boolean packageThere = artifacts.map(bucket -> exists(s3.apply(plan.stack(ARTIFACTS).region()), bucket, built.key()))
                .orElse(false);
        changes.add(PlannedChange.of(TARGET + ".package", "lambda-package", packageThere ? Action.NO_OP : Action.CREATE,
                packageThere ? built.key() + " is already uploaded" : "upload " + built.key()));
        Optional<String> siteBucket = Optional.ofNullable(outputs.getOrDefault(STATIC, Map.of()).get(StaticSiteStack.SITE_BUCKET));
        for (Map.Entry<String, Path> file : StackSet.siteFiles(descriptor).entrySet()) {
            Action action = siteBucket.map(bucket -> compare(plan, bucket, file.getKey(), file.getValue())).orElse(Action.CREATE);
            changes.add(PlannedChange.of(siteAddress(file.getKey()), "s3-object", action,
                    action == Action.NO_OP ? "unchanged" : action == Action.CREATE ? "upload" : "upload the changed file"));
        }
        return new Plan(Plan.FORMAT_VERSION, descriptor.app(), descriptor.environment(), TARGET, digest, clock.instant(),
                changes, fingerprints);
    }

    private Action compare(StackPlan plan, String bucket, String key, Path file) {
        try {
            var head = s3.apply(plan.stack(STATIC).region()).headObject(b -> b.bucket(bucket).key(key));
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

    private static String address(StackSpec spec, String logicalId) {
        return TARGET + "." + spec.key() + "." + logicalId;
    }

    private static String siteAddress(String key) {
        return TARGET + ".site/" + key;
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        } catch (IOException e) {
            throw new ServerlessDeployException("cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.tierlift.aws.iaas;

import io.tierlift.aws.secretsmanager.AppSecretSync;
import io.tierlift.aws.secretsmanager.OriginSecretVersions;
import io.tierlift.secret.LocalSecretResolver;

import io.tierlift.aws.DatabaseProtection;
import io.tierlift.aws.StackSet;
import io.tierlift.aws.StackSetException;
import io.tierlift.aws.cloudformation.DeployerSettings;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudfront.CloudFrontInvalidator;
import io.tierlift.aws.cloudfront.InvalidationSettings;
import io.tierlift.aws.serverless.AwsServerlessDeployer;
import io.tierlift.aws.testing.RecordingProgress;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.CreateInvalidationRequest;
import software.amazon.awssdk.services.cloudfront.model.CreateInvalidationResponse;
import software.amazon.awssdk.services.cloudfront.model.GetInvalidationRequest;
import software.amazon.awssdk.services.cloudfront.model.GetInvalidationResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The deployer against CloudFormation and S3 fakes: parameters resolved at deploy time, offline plan, destroy. */
class AwsIaasDeployerTest {
    private static final String PREFIX_LIST_ID = "pl-4fa04526";
    private static final Map<String, String> BUCKET_OUTPUTS = Map.of("static", "SiteBucketName", "artifacts", "ArtifactBucketName");

    @TempDir
    Path dir;

    private final List<String> journal = Collections.synchronizedList(new ArrayList<>());
    private final FakeCloudFormation cfn = new FakeCloudFormation(journal);
    private final FakeS3 s3 = new FakeS3(journal);
    private final FakeAutoScaling autoScaling = new FakeAutoScaling();
    private final FakeRds rds = new FakeRds(journal);
    private final FakeCloudFront cloudFront = new FakeCloudFront(journal);
    private final RecordingProgress progress = new RecordingProgress();
    private final FakeOriginSecret originSecret = new FakeOriginSecret();
    private final List<String> prefixListRegions = new ArrayList<>();
    /** The image Amazon's public SSM parameter names now; each lookup is recorded. */
    private String newestImage = "ami-0aaaaaaaaaaaaaaa1";
    private final List<String> imageLookups = new ArrayList<>();
    private final ImageLookup images = (region, parameter) -> {
        imageLookups.add(region + " " + parameter);
        return newestImage;
    };
    private AppDescriptor descriptor;
    private StackPlan plan;
    private AwsIaasDeployer deployer;
    private StackDeployer stacks;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir.resolve("backend/notes"));
        Files.writeString(dir.resolve("backend/notes/app.py"), "app = None\n");
        Files.writeString(dir.resolve("backend/requirements.txt"), "flask\n");
        Files.createDirectories(dir.resolve("frontend/dist/assets"));
        Files.writeString(dir.resolve("frontend/dist/index.html"), "<!doctype html><script src=/assets/index-abc123.js></script>");
        Files.writeString(dir.resolve("frontend/dist/assets/index-abc123.js"), "console.log(1)");
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, """
                app: notes
                frontend: { path: frontend, build: "npm run build", dist: frontend/dist }
                backend: { path: backend, wsgi: "notes.app:app", python: "3.11", requirements: requirements.txt,
                           health: /api/health, port: 8000 }
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}", version: 15 }
                targets:
                  aws-iaas:
                    region: eu-west-1
                    vpc_cidr: 10.20.0.0/16
                    instance_type: t3.small
                    scaling: { min: 2, max: 6, cpu_target: 50 }
                    database: { class: db.t4g.medium, multi_az: true }
                    allow_http: true
                """);
        var loaded = new DescriptorLoader().load(file, Optional.empty());
        descriptor = loaded.descriptor();
        plan = new AwsIaasRenderer().plan(descriptor);
        stacks = new StackDeployer(region -> cfn, DeployerSettings.defaults().withPollInterval(Duration.ofMillis(1)),
                progress, d -> { }, Clock.systemUTC());
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        LiveResources resources = new LiveResources(region -> cfn, region -> autoScaling, region -> rds, progress,
                d -> { }, Clock.systemUTC(), Duration.ofMillis(1), Duration.ofSeconds(5));
        CloudFrontInvalidator invalidator = new CloudFrontInvalidator(() -> cloudFront,
                InvalidationSettings.defaults().withPolling(Duration.ofMillis(1), Duration.ofSeconds(5)), progress, d -> { },
                Clock.systemUTC());
        AppSecretSync appSecret = new AppSecretSync(new LocalSecretResolver(Map.of("NOTES_API_TOKEN", "token-value"), dir,
                ref -> { throw new AssertionError("no AWS secret in this test"); }), (region, arn, json) -> {
            journal.add("secretsmanager:PutSecretValue " + region + " " + arn + " " + json);
            return true;
        }, progress);
        deployer = new AwsIaasDeployer(region -> cfn, region -> s3, stacks, region -> {
            prefixListRegions.add(region);
            return PREFIX_LIST_ID;
        }, resources, invalidator, appSecret, images, new OriginSecretVersions(region -> originSecret), progress, Duration.ofMillis(1),
                Duration.ofMinutes(1), clock);
    }

    @Test
    void theAppAndStaticStacksReadTheOriginSecretAtTheVersionsSecretsManagerLabelsNow() {
        deployer.deploy(descriptor, plan, "1.2.3");
        Map<String, String> compute = cfn.createdParameters.get(plan.stack("compute").name());
        Map<String, String> site = cfn.createdParameters.get(plan.stack("static").name());
        String secretArn = plan.stack("artifacts").name() + ":OriginSecretArn";
        assertThat(originSecret.described).containsOnly(secretArn);
        // Never rotated: the previous version is the current one.
        assertThat(compute).containsEntry("OriginSecretArn", secretArn)
                .containsEntry("OriginSecretVersion", FakeOriginSecret.FIRST)
                .containsEntry("OriginSecretPreviousVersion", FakeOriginSecret.FIRST);
        assertThat(site).containsEntry("OriginSecretArn", secretArn).containsEntry("OriginSecretVersion", FakeOriginSecret.FIRST);

        originSecret.rotated = true;
        cfn.stacks.clear();
        deployer.deploy(descriptor, plan, "1.2.4");
        compute = cfn.createdParameters.get(plan.stack("compute").name());
        assertThat(compute).containsEntry("OriginSecretVersion", FakeOriginSecret.SECOND)
                .containsEntry("OriginSecretPreviousVersion", FakeOriginSecret.FIRST);
        assertThat(cfn.createdParameters.get(plan.stack("static").name())).containsEntry("OriginSecretVersion", FakeOriginSecret.SECOND);
    }

    @Test
    void aDataStackWhoseFirstCreateFailedIsDeletedAndCreatedAgainByTheNextDeployThenProtected() {
        String data = plan.stack("data").name();
        cfn.failCreateOf.add(data);
        assertThatThrownBy(() -> deployer.deploy(descriptor, plan, "1.2.3")).hasMessageContaining(data)
                .hasMessageContaining("ROLLBACK_COMPLETE");
        assertThat(cfn.createdProtected).as("created unprotected: AWS would refuse to delete it").containsEntry(data, false);

        cfn.failCreateOf.clear();
        journal.clear();
        // This fake has no change sets: the stacks created before the data stack go, so the deploy creates them again.
        cfn.stacks.keySet().removeIf(name -> !name.equals(data));
        deployer.deploy(descriptor, plan, "1.2.3");

        assertThat(journal).containsSubsequence("cfn:DeleteStack " + data, "cfn:CreateStack " + data,
                "cfn:UpdateTerminationProtection " + id(data) + " true");
        assertThat(cfn.stacks.get(data).stackStatusAsString()).isEqualTo("CREATE_COMPLETE");
        assertThat(cfn.stacks.get(data).enableTerminationProtection()).as("protected once created").isTrue();
    }

    @Test
    void aFailedCreateLeftProtectedIsUnprotectedDeletedAndCreatedAgain() {
        String data = plan.stack("data").name();
        cfn.failCreateOf.add(data);
        assertThatThrownBy(() -> deployer.deploy(descriptor, plan, "1.2.3")).hasMessageContaining("ROLLBACK_COMPLETE");
        // As an earlier version left it: protected at create time.
        cfn.stacks.put(data, cfn.stacks.get(data).toBuilder().enableTerminationProtection(true).build());
        cfn.failCreateOf.clear();
        journal.clear();
        cfn.stacks.keySet().removeIf(name -> !name.equals(data));

        deployer.deploy(descriptor, plan, "1.2.3");

        assertThat(journal).containsSubsequence("cfn:UpdateTerminationProtection " + id(data) + " false",
                "cfn:DeleteStack " + data, "cfn:CreateStack " + data);
        assertThat(progress.lines()).anyMatch(l -> l.contains("termination protection lifted: the stack's create failed"));
        assertThat(cfn.stacks.get(data).enableTerminationProtection()).isTrue();
    }

    private static String id(String name) {
        return "arn:aws:cloudformation:eu-west-1:123456789012:stack/" + name + "/00000000-0000-0000-0000-000000000000";
    }

    @Test
    void theDataStackIsCreatedWithAPolicyThatKeepsItsDatabaseFromBeingReplacedOrDeleted() throws IOException {
        deployer.deploy(descriptor, plan, "1.2.3");

        String data = plan.stack("data").name();
        assertThat(cfn.createdStackPolicies).containsOnlyKeys(data);
        com.fasterxml.jackson.databind.JsonNode policy = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(cfn.createdStackPolicies.get(data));
        String database = plan.stack("data").template().resources().stream()
                .filter(r -> r.type().equals("AWS::RDS::DBInstance")).findFirst().orElseThrow().logicalId();
        assertThat(policy.path("Statement").get(0).toString()).contains("\"Effect\":\"Deny\"")
                .contains("Update:Replace").contains("Update:Delete").contains("LogicalResourceId/" + database);
    }

    @Test
    void withoutSecretVariablesNoSecretValueIsWritten() {
        AwsIaasDeployer.DeployReport plain = deployer.deploy(descriptor, plan, "1.2.3");
        assertThat(plain.loadBalancerDns()).as("the API origin CloudFront leads to")
                .isEqualTo(plan.stack("compute").name() + ":AlbDnsName");
        assertThat(plain.secretWritten()).isFalse();
        assertThat(journal).noneMatch(call -> call.startsWith("secretsmanager:"));
    }

    @Test
    void theAppSecretsValueIsWrittenAfterTheDataStackAndBeforeTheInstancesBoot() throws IOException {
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, Files.readString(file).replace("health: /api/health, port: 8000 }",
                "health: /api/health, port: 8000, env: { NOTES_API_TOKEN: \"${env:NOTES_API_TOKEN}\" } }"));
        AppDescriptor withSecret = new DescriptorLoader().load(file, Optional.empty()).descriptor();
        StackPlan secretPlan = new AwsIaasRenderer().plan(withSecret);

        AwsIaasDeployer.DeployReport report = deployer.deploy(withSecret, secretPlan, "1.2.3");

        String put = "secretsmanager:PutSecretValue eu-west-1 " + secretPlan.stack("data").name() + ":AppSecretArn "
                + "{\"NOTES_API_TOKEN\":\"token-value\"}";
        assertThat(report.secretWritten()).isTrue();
        assertThat(journal).containsSubsequence("cfn:CreateStack " + secretPlan.stack("data").name(), put,
                "cfn:CreateStack " + secretPlan.stack("compute").name());
    }

    @Test
    void deployTimeParametersAreTheLookedUpPrefixListTheReleaseKeyAndTheOriginSecretVersions() {
        deployer.deploy(descriptor, plan, "1.2.3");

        BackendRelease release = BackendRelease.of(descriptor);
        int deployTime = 0;
        for (StackSpec spec : plan.stacks()) {
            Map<String, String> sent = cfn.createdParameters.get(spec.name());
            assertThat(sent).as(spec.name()).isNotNull();
            for (var entry : spec.parameters().entrySet()) {
                String value = sent.get(entry.getKey());
                if (entry.getValue() instanceof ParameterSource.DeployTime time) {
                    deployTime++;
                    assertThat(value).as(spec.key() + "." + entry.getKey()).isEqualTo(switch (time.name()) {
                        case "release-key" -> release.key();
                        case "image-id" -> newestImage;
                        // A deploy's instances run the release command when they start.
                        case "release-command-at-boot" -> "true";
                        case "origin-secret-version", "origin-secret-previous-version" -> FakeOriginSecret.FIRST;
                        // A new data stack's database is made empty, not restored.
                        case "restore-source", "restore-time" -> "";
                        default -> PREFIX_LIST_ID;
                    });
                } else if (entry.getValue() instanceof ParameterSource.StackOutput out) {
                    assertThat(value).isEqualTo(plan.stack(out.stackKey()).name() + ":" + out.outputName());
                } else if (entry.getValue() instanceof ParameterSource.Literal literal) {
                    assertThat(value).isEqualTo(literal.value());
                }
            }
        }
        // Prefix list, release key, image and release-command switch, the compute stack's two secret versions, the
        // static stack's one and the data stack's two restore parameters.
        assertThat(deployTime).as("the plan's deploy-time parameters").isEqualTo(9);
        assertThat(prefixListRegions).containsExactly("eu-west-1");
        assertThat(release.key()).matches("releases/[0-9a-f]{16}\\.tar\\.gz");
    }

    private static final String LATEST_IMAGE = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

    private String computeImage() {
        return computeParameter("ImageId");
    }

    private String computeParameter(String key) {
        return cfn.stacks.get(plan.stack("compute").name()).parameters().stream()
                .filter(p -> p.parameterKey().equals(key)).findFirst().orElseThrow().parameterValue();
    }

    /** A deploy's value ("true") is covered by deployTimeParametersAre...: each deploy gives it, none keeps the live one. */
    @Test
    void aMigrationsProvisionStartsTheInstancesWithoutTheReleaseCommand() {
        deployer.deploy(descriptor, plan, "1.2.3", AwsIaasDeployer.Options.DEFAULT.withoutReleaseCommandAtBoot());

        assertThat(computeParameter("ReleaseCommandAtBoot")).as("the migration's copy brings the schema").isEqualTo("false");
        assertThat(cfn.createdParameters.get(plan.stack("compute").name())).containsEntry("ReleaseCommandAtBoot", "false");
        assertThat(progress.lines()).anyMatch(l -> l.contains("release command not run: the migration copies the schema"));
    }

    @Test
    void theFirstDeployGivesTheInstancesAmazonsNewestImageAndRecordsItInTheComputeStack() {
        AwsIaasDeployer.DeployReport report = deployer.deploy(descriptor, plan, "1.2.3");

        assertThat(computeImage()).isEqualTo("ami-0aaaaaaaaaaaaaaa1");
        assertThat(imageLookups).containsExactly("eu-west-1 " + LATEST_IMAGE);
        assertThat(report.image().summary()).isEqualTo("ami-0aaaaaaaaaaaaaaa1 (Amazon's newest, recorded for later deploys)");
    }

    @Test
    void aRedeployKeepsTheImageTheInstancesRunWhenAmazonPublishesANewerOne() {
        deployer.deploy(descriptor, plan, "1.2.3");
        newestImage = "ami-0bbbbbbbbbbbbbbb2";
        imageLookups.clear();
        journal.clear();

        AwsIaasDeployer.DeployReport again = deployer.deploy(descriptor, plan, "1.2.3");

        assertThat(again.stacksChanged()).containsEntry("compute", false);
        assertThat(journal).noneMatch(call -> call.startsWith("cfn:CreateStack"));
        assertThat(computeImage()).isEqualTo("ami-0aaaaaaaaaaaaaaa1");
        assertThat(imageLookups).as("keeping the running image needs no lookup").isEmpty();
        assertThat(again.image().summary()).isEqualTo("ami-0aaaaaaaaaaaaaaa1 (kept)");
    }

    @Test
    void planShowsTheKeptImageAndTheNewerOneARefreshWouldRollOnto() {
        deployer.deploy(descriptor, plan, "1.2.3");
        newestImage = "ami-0bbbbbbbbbbbbbbb2";

        Plan result = deployer.plan(descriptor, plan, "1.2.3", "digest");

        PlannedChange image = result.changes().stream().filter(c -> c.address().equals("aws-iaas.compute.image"))
                .findFirst().orElseThrow();
        assertThat(image.action()).isEqualTo(Action.NO_OP);
        assertThat(image.summary()).isEqualTo("ami-0aaaaaaaaaaaaaaa1 (kept; Amazon's newest is ami-0bbbbbbbbbbbbbbb2: "
                + "--refresh-image rolls the instances onto it)");
        assertThat(result.hasChanges()).as("a newer image alone is no change").isFalse();
        assertThat(progress.lines()).contains("image: " + image.summary());
    }

    @Test
    void aRefreshTakesTheNewestImageAndThePlanSaysEveryInstanceIsReplaced() {
        deployer.deploy(descriptor, plan, "1.2.3");
        newestImage = "ami-0bbbbbbbbbbbbbbb2";

        ImageChoice refresh = deployer.chooseImage(plan, true, false);

        assertThat(refresh.imageId()).isEqualTo("ami-0bbbbbbbbbbbbbbb2");
        assertThat(refresh.rolls()).isTrue();
        PlannedChange change = refresh.change("aws-iaas.compute.image");
        assertThat(change.action()).isEqualTo(Action.UPDATE);
        assertThat(change.summary()).isEqualTo("refresh ami-0aaaaaaaaaaaaaaa1 -> ami-0bbbbbbbbbbbbbbb2");
        assertThat(refresh.summary()).isEqualTo("ami-0bbbbbbbbbbbbbbb2 (refreshed from ami-0aaaaaaaaaaaaaaa1)");
        newestImage = "ami-0aaaaaaaaaaaaaaa1";
        assertThat(deployer.chooseImage(plan, true, false).change("a").action()).as("already the newest").isEqualTo(Action.NO_OP);
    }

    @Test
    void aComputeStackMadeWithTheSsmParameterTypeKeepsTheImageCloudFormationResolvedIt() {
        String compute = plan.stack("compute").name();
        cfn.existing(compute, false, Map.of());
        cfn.stacks.put(compute, cfn.stacks.get(compute).toBuilder().parameters(software.amazon.awssdk.services.cloudformation.model
                .Parameter.builder().parameterKey("ImageId").parameterValue(LATEST_IMAGE).resolvedValue("ami-0ccccccccccccccc3")
                .build()).build());

        ImageChoice kept = deployer.chooseImage(plan, false, false);

        assertThat(kept.imageId()).isEqualTo("ami-0ccccccccccccccc3");
        assertThat(kept.rolls()).isFalse();
        assertThat(imageLookups).isEmpty();
    }

    @Test
    void theReleaseIsUploadedBeforeTheStackThatNamesItAndOnlyOnce() {
        AwsIaasDeployer.DeployReport first = deployer.deploy(descriptor, plan, "1.2.3");
        String artifactBucket = plan.stack("artifacts").name() + ":ArtifactBucketName";
        String releaseUpload = "s3:PutObject " + artifactBucket + "/" + BackendRelease.of(descriptor).key();
        assertThat(first.releaseUploaded()).isTrue();
        assertThat(journal).containsSubsequence(releaseUpload, "cfn:CreateStack " + plan.stack("compute").name());
        assertThat(journal.indexOf(releaseUpload)).isGreaterThan(journal.indexOf("cfn:CreateStack " + plan.stack("artifacts").name()));
        String siteBucket = plan.stack("static").name() + ":SiteBucketName";
        assertThat(s3.buckets.get(siteBucket)).containsOnlyKeys("index.html", "assets/index-abc123.js");
        assertThat(s3.buckets.get(siteBucket).get("index.html").cacheControl()).isEqualTo("no-cache");

        assertThat(deployer.uploadRelease(BackendRelease.of(descriptor), artifactBucket, "eu-west-1")).isFalse();
        assertThat(journal.stream().filter(releaseUpload::equals)).hasSize(1);
    }

    @Test
    void theStackVersionTagIsTheOneGiven() {
        deployer.deploy(descriptor, plan, "9.8.7-test");
        assertThat(cfn.createdTags).hasSize(plan.stacks().size());
        cfn.createdTags.forEach((stack, tags) -> assertThat(tags).as(stack).containsEntry("tierlift:version", "9.8.7-test")
                .containsAllEntriesOf(plan.tags()));
    }

    @Test
    void offlinePlanListsEveryResourceAndSiteFileAsCreatedWithoutAnyCall() {
        AwsIaasDeployer offline = new AwsIaasDeployer(null, null, null, null, progress, null, null,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        Plan result = offline.planOffline(descriptor, plan, "digest");

        int resources = plan.stacks().stream().mapToInt(s -> s.template().resources().size()).sum();
        assertThat(result.changes()).hasSize(resources + 2);
        assertThat(result.changes()).allSatisfy(c -> assertThat(c.action()).isEqualTo(Action.CREATE));
        assertThat(result.changes()).map(PlannedChange::address)
                .contains("aws-iaas.site/index.html", "aws-iaas.site/assets/index-abc123.js")
                .anySatisfy(a -> assertThat(a).startsWith("aws-iaas.data."))
                .anySatisfy(a -> assertThat(a).startsWith("aws-iaas.network."));
        assertThat(result.target()).isEqualTo("aws-iaas");
        assertThat(journal).isEmpty();
    }

    @Test
    void offlinePlansComeFromPlannersMadeWithoutADeployerOrAnyClient() {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        AwsIaasDeployer offline = new AwsIaasDeployer(null, null, null, null, progress, null, null, clock);

        assertThat(AwsIaasDeployer.offlinePlanner(clock).plan(descriptor, plan, "digest"))
                .isEqualTo(offline.planOffline(descriptor, plan, "digest"));
        List<String> serverless = AwsServerlessDeployer.offlinePlanner(clock).plan(descriptor, plan, "digest").changes().stream()
                .map(PlannedChange::address).toList();
        assertThat(serverless).containsSubsequence("aws-serverless.network.Vpc", "aws-serverless.package",
                "aws-serverless.site/index.html");
        assertThat(serverless.indexOf("aws-serverless.package")).isGreaterThan(serverless.size() - 4);
        assertThat(journal).isEmpty();
    }

    @Test
    void offlinePlanWithoutTheReactBuildSaysToBuildIt() throws IOException {
        Files.delete(dir.resolve("frontend/dist/assets/index-abc123.js"));
        Files.delete(dir.resolve("frontend/dist/assets"));
        Files.delete(dir.resolve("frontend/dist/index.html"));
        Files.delete(dir.resolve("frontend/dist"));
        AwsIaasDeployer offline = new AwsIaasDeployer(null, null, null, null, progress, null, null, Clock.systemUTC());
        assertThatThrownBy(() -> offline.planOffline(descriptor, plan, "digest"))
                .isInstanceOf(io.tierlift.aws.StackSetException.class).hasMessageContaining("build the frontend first");
    }

    @Test
    void destroyDeletesLastStackFirstEmptyingBucketsBeforeTheirStacks() {
        deployer.deploy(descriptor, plan, "1.2.3");
        journal.clear();

        List<String> deleted = deployer.destroy(plan, true, true);

        List<String> names = plan.stacks().stream().map(StackSpec::name).toList();
        List<String> reversed = new ArrayList<>(names);
        Collections.reverse(reversed);
        assertThat(deleted).isEqualTo(reversed);
        String site = plan.stack("static").name();
        String artifacts = plan.stack("artifacts").name();
        String data = plan.stack("data").name();
        assertThat(journal).containsSubsequence(
                "s3:DeleteObjects " + site + ":SiteBucketName 2", "cfn:DeleteStack " + site,
                "cfn:DeleteStack " + plan.stack("waf").name(),
                "cfn:DeleteStack " + plan.stack("compute").name(),
                "cfn:UpdateTerminationProtection " + data + " false", "cfn:DeleteStack " + data,
                "cfn:DeleteStack " + plan.stack("network").name(),
                "s3:DeleteObjects " + artifacts + ":ArtifactBucketName 2" /* the release and its migrations record */, "cfn:DeleteStack " + artifacts);
        assertThat(cfn.stacks).isEmpty();
    }

    @Test
    void destroyRefusesToEmptyBucketsWithoutConfirmationAndDeletesNothing() {
        deployer.deploy(descriptor, plan, "1.2.3");
        journal.clear();

        assertThatThrownBy(() -> deployer.destroy(plan, false, true))
                .isInstanceOf(IaasDeployException.class)
                .hasMessageContaining(plan.stack("static").name())
                .hasMessageContaining("--yes");
        assertThat(journal).noneMatch(l -> l.startsWith("cfn:DeleteStack") || l.startsWith("s3:DeleteObjects"));
        assertThat(cfn.stacks).hasSize(plan.stacks().size());
    }

    @Test
    void destroyStopsAtTheProtectedDataStackUnlessAskedToLiftIt() {
        deployer.deploy(descriptor, plan, "1.2.3");
        journal.clear();

        assertThatThrownBy(() -> deployer.destroy(plan, true, false))
                .isInstanceOf(IaasDeployException.class)
                .hasMessageContaining(plan.stack("data").name())
                .hasMessageContaining("--force-data-deletion");
        assertThat(cfn.stacks).containsOnlyKeys(plan.stack("artifacts").name(), plan.stack("network").name(), plan.stack("data").name());
        assertThat(journal).noneMatch(l -> l.startsWith("cfn:UpdateTerminationProtection"));
    }

    @Test
    void aFailedProtectionLiftWarnsAndTheDeleteIsTriedAnyway() {
        deployer.deploy(descriptor, plan, "1.2.3");
        cfn.terminationProtectionFailure = 500;
        cfn.enforceTerminationProtection = false;

        List<String> deleted = deployer.destroy(plan, true, true);

        assertDeletedAfterWarningOfTheFailedLift(deleted);
    }

    @Test
    void whenAwsStillRefusesTheProtectedDeleteTheErrorSaysHowToLiftIt() {
        deployer.deploy(descriptor, plan, "1.2.3");
        cfn.terminationProtectionFailure = 403;

        assertThatThrownBy(() -> deployer.destroy(plan, true, true))
                .isInstanceOf(IaasDeployException.class)
                .hasMessageContaining("update-termination-protection --no-enable-termination-protection");
        assertThat(cfn.stacks).containsKey(plan.stack("data").name());
    }

    private void assertDeletedAfterWarningOfTheFailedLift(List<String> deleted) {
        assertThat(deleted).contains(plan.stack("data").name());
        assertThat(cfn.stacks).isEmpty();
        assertThat(progress.lines()).anySatisfy(l -> assertThat(l)
                .startsWith(plan.stack("data").name() + ": warning: could not turn termination protection off"));
    }

    /** The stack set aws-serverless destroys with. */
    private StackSet serverlessStackSet() {
        return new StackSet("aws-serverless", region -> cfn, region -> s3, stacks, progress, Duration.ofMillis(1),
                Duration.ofMinutes(1), Clock.systemUTC());
    }

    /** The destroy aws-serverless uses: StackSet's, with no RDS instance to look at. */
    private List<String> destroyAsServerless(boolean liftProtection) {
        return serverlessStackSet().destroy(plan, BUCKET_OUTPUTS, true, liftProtection);
    }

    @Test
    void theOtherTiersDestroyAlsoWarnsOfAFailedProtectionLiftAndDeletesAnyway() {
        deployer.deploy(descriptor, plan, "1.2.3");
        cfn.terminationProtectionFailure = 500;
        cfn.enforceTerminationProtection = false;

        List<String> deleted = destroyAsServerless(true);

        assertDeletedAfterWarningOfTheFailedLift(deleted);
    }

    @Test
    void theOtherTiersRefusalNamesItsOwnNextStep() {
        deployer.deploy(descriptor, plan, "1.2.3");

        assertThatThrownBy(() -> destroyAsServerless(false))
                .isInstanceOf(StackSetException.class)
                .hasMessageContaining("stack " + plan.stack("data").name() + " has termination protection on (it holds the database)")
                .hasMessageContaining("Next step, to delete the database too: tierlift destroy aws-serverless --yes --force-data-deletion");
        assertThat(cfn.stacks).containsKey(plan.stack("data").name());
    }

    @Test
    void aProtectedDatabaseIsTurnedOffOnlyWhenAskedAndBeforeItsStackIsDeleted() {
        deployer.deploy(descriptor, plan, "1.2.3");
        String data = plan.stack("data").name();
        cfn.stacks.put(data, cfn.stacks.get(data).toBuilder().enableTerminationProtection(false).build());
        StackSet stackSet = serverlessStackSet();
        DatabaseProtection cluster = spec -> spec.key().equals("data")
                ? Optional.of(new DatabaseProtection.ProtectedDatabase("cluster notes", () -> journal.add("turned off")))
                : Optional.empty();

        assertThatThrownBy(() -> stackSet.destroy(plan, BUCKET_OUTPUTS, true, false, cluster))
                .isInstanceOf(StackSetException.class)
                .hasMessageContaining("stack " + data + " has cluster notes with deletion protection on;");
        assertThat(journal).doesNotContain("turned off");

        stackSet.destroy(plan, BUCKET_OUTPUTS, true, true, cluster);
        assertThat(journal).containsSubsequence("turned off", "cfn:DeleteStack " + data);
        assertThat(cfn.stacks).isEmpty();
    }

    /** The fake only creates stacks: forgetting them makes a redeploy create them again with the same outputs, buckets kept. */
    private void forgetStacks() {
        cfn.stacks.clear();
    }

    private String dbId() {
        return plan.stack("data").name() + ":Database";
    }

    private String asgName() {
        return plan.stack("compute").name() + ":AutoScalingGroupName";
    }

    @Test
    void changedPlainPathsAreInvalidatedOnTheStacksDistributionBeforeStaleAssetsGo() throws IOException {
        deployer.deploy(descriptor, plan, "1.2.3");
        String distribution = plan.stack("static").name() + ":DistributionId";
        assertThat(cloudFront.created).containsExactly(distribution + " [/, /index.html]");

        Files.writeString(dir.resolve("frontend/dist/index.html"), "<!doctype html><script src=/assets/index-def456.js></script>");
        Files.delete(dir.resolve("frontend/dist/assets/index-abc123.js"));
        Files.writeString(dir.resolve("frontend/dist/assets/index-def456.js"), "console.log(2)");
        forgetStacks();
        journal.clear();
        AwsIaasDeployer.DeployReport second = deployer.deploy(descriptor, plan, "1.2.3");

        assertThat(second.invalidation().paths()).containsExactly("/", "/index.html");
        assertThat(second.invalidation().completed()).isTrue();
        String site = plan.stack("static").name() + ":SiteBucketName";
        assertThat(journal).containsSubsequence("s3:PutObject " + site + "/index.html",
                "cloudfront:CreateInvalidation " + distribution + " [/, /index.html]",
                "cloudfront:GetInvalidation I2", "s3:DeleteObjects " + site + " 1");
        // The hashed asset was uploaded but never invalidated.
        assertThat(cloudFront.created).noneMatch(c -> c.contains("assets/"));
    }

    @Test
    void anUnchangedSiteSendsNoInvalidation() {
        deployer.deploy(descriptor, plan, "1.2.3");
        cloudFront.created.clear();
        forgetStacks();

        AwsIaasDeployer.DeployReport second = deployer.deploy(descriptor, plan, "1.2.3");

        assertThat(second.invalidation().sent()).isFalse();
        assertThat(cloudFront.created).isEmpty();
    }

    @Test
    void statusReadsTheAutoScalingGroupAndTheDatabaseOfTheStacks() {
        deployer.deploy(descriptor, plan, "1.2.3");
        autoScaling.group(asgName(), 2, 6, 3, "InService/Healthy", "InService/Healthy", "InService/Unhealthy");
        rds.instance(dbId(), "available", true);

        IaasStatus status = deployer.status(plan);

        assertThat(status.autoScalingGroup()).contains(new IaasStatus.AsgHealth(asgName(), 3, 2, 6, 3, 2, Map.of("InService", 3)));
        assertThat(status.database()).hasValueSatisfying(d -> {
            assertThat(d.identifier()).isEqualTo(dbId());
            assertThat(d.available()).isTrue();
            assertThat(d.multiAz()).isTrue();
            assertThat(d.engineVersion()).isEqualTo("15.8");
            assertThat(d.storageEncrypted()).isTrue();
            assertThat(d.pendingModifications()).isEmpty();
            assertThat(d.backups().resource()).isEqualTo("RDS instance " + dbId());
            assertThat(d.backups().retentionDays()).isEqualTo(7);
            assertThat(d.backups().restorableLag()).hasValueSatisfying(lag -> assertThat(lag).isBetween(
                    Duration.ofSeconds(50), Duration.ofMinutes(2)));
            assertThat(d.backups().earliestRestorable()).isPresent();
            assertThat(d.backups().snapshotAge()).hasValueSatisfying(age -> assertThat(age).isBetween(
                    Duration.ofMinutes(59), Duration.ofMinutes(61)));
        });
        assertThat(status.problems()).isEmpty();
        assertThat(status.healthy()).isTrue();
    }

    @Test
    void statusIsUnhealthyWhenTheDatabaseHasAutomatedBackupsOffOrItsRestorableTimeFallsBehind() {
        deployer.deploy(descriptor, plan, "1.2.3");
        autoScaling.group(asgName(), 2, 6, 2, "InService/Healthy", "InService/Healthy");
        rds.instance(dbId(), "available", true);
        rds.instances.put(dbId(), rds.instances.get(dbId()).toBuilder().backupRetentionPeriod(0).build());

        assertThat(deployer.status(plan).problems()).containsExactly("RDS instance " + dbId() + " has automated backups off "
                + "(retention 0 days): it cannot be restored to a point in time; turn them on again with a retention of 1 to 35 "
                + "days (backup_retention_days)");

        Instant stale = Instant.now().minus(Duration.ofMinutes(20));
        rds.instances.put(dbId(), rds.instances.get(dbId()).toBuilder().backupRetentionPeriod(7).latestRestorableTime(stale).build());

        IaasStatus status = deployer.status(plan);
        assertThat(status.healthy()).isFalse();
        assertThat(status.problems()).singleElement().asString().startsWith("RDS instance " + dbId() + " can be restored only up to "
                + stale + ", 20m ").contains("over 15 min the transaction logs are not reaching the backup");
    }

    @Test
    void statusIsUnhealthyWhenInstancesAreMissingTheDatabaseIsBusyOrAStackRolledBack() {
        deployer.deploy(descriptor, plan, "1.2.3");
        autoScaling.group(asgName(), 2, 6, 3, "InService/Healthy", "Pending/Healthy", "Terminating/Unhealthy");
        rds.instance(dbId(), "modifying", true);
        String compute = plan.stack("compute").name();
        cfn.stacks.put(compute, cfn.stacks.get(compute).toBuilder().stackStatus("UPDATE_ROLLBACK_COMPLETE").build());

        IaasStatus status = deployer.status(plan);

        assertThat(status.autoScalingGroup().orElseThrow().byLifecycleState())
                .isEqualTo(Map.of("InService", 1, "Pending", 1, "Terminating", 1));
        assertThat(status.problems()).containsExactly(
                "stack " + compute + " is UPDATE_ROLLBACK_COMPLETE",
                "Auto Scaling group " + asgName() + " has 1 instance(s) in service of 3 desired",
                "RDS instance " + dbId() + " is modifying, not available");
    }

    @Test
    void statusNamesADataStackWithoutItsDatabase() {
        deployer.deploy(descriptor, plan, "1.2.3");
        autoScaling.group(asgName(), 2, 6, 2, "InService/Healthy", "InService/Healthy");

        IaasStatus status = deployer.status(plan);

        assertThat(status.database()).isEmpty();
        assertThat(status.problems()).containsExactly("stack " + plan.stack("data").name() + " has no RDS instance ("
                + dbId() + " not found)");
    }

    @Test
    void forcedDestroyTurnsDatabaseProtectionOffAndWaitsBeforeLiftingTerminationProtection() {
        deployer.deploy(descriptor, plan, "1.2.3");
        rds.instance(dbId(), "available", true);
        rds.describesUntilApplied = 2;
        journal.clear();

        deployer.destroy(plan, true, true);

        String data = plan.stack("data").name();
        assertThat(journal).containsSubsequence(
                "rds:ModifyDBInstance " + dbId() + " DeletionProtection=false ApplyImmediately=true",
                "rds:DescribeDBInstances " + dbId(), "rds:DescribeDBInstances " + dbId(), "rds:DescribeDBInstances " + dbId(),
                "cfn:UpdateTerminationProtection " + data + " false", "cfn:DeleteStack " + data);
        int modify = journal.indexOf("rds:ModifyDBInstance " + dbId() + " DeletionProtection=false ApplyImmediately=true");
        assertThat(journal.subList(modify, journal.indexOf("cfn:UpdateTerminationProtection " + data + " false")))
                .filteredOn(l -> l.startsWith("rds:DescribeDBInstances")).hasSize(3);
        assertThat(rds.instances.get(dbId()).deletionProtection()).isFalse();
        assertThat(journal.stream().filter(l -> l.startsWith("rds:ModifyDBInstance"))).hasSize(1);
        assertThat(cfn.stacks).isEmpty();
    }

    @Test
    void destroyWithoutTheFlagRefusesAProtectedDatabaseWithTheNextStepAndChangesNothingOfIt() {
        deployer.deploy(descriptor, plan, "1.2.3");
        rds.instance(dbId(), "available", true);
        String data = plan.stack("data").name();
        cfn.stacks.put(data, cfn.stacks.get(data).toBuilder().enableTerminationProtection(false).build());
        journal.clear();

        assertThatThrownBy(() -> deployer.destroy(plan, true, false))
                .isInstanceOf(IaasDeployException.class)
                .hasMessageContaining("stack " + data + " has RDS instance " + dbId() + " with deletion protection on")
                .hasMessageContaining("Next step, to delete the database too: tierlift destroy aws-iaas --yes --force-data-deletion");
        assertThat(journal).noneMatch(l -> l.startsWith("rds:ModifyDBInstance") || l.equals("cfn:DeleteStack " + data));
        assertThat(cfn.stacks).containsKey(data);
    }

    @Test
    void whenRdsNeverShowsProtectionOffNothingOfTheDataStackIsDeleted() {
        deployer.deploy(descriptor, plan, "1.2.3");
        rds.instance(dbId(), "available", true);
        rds.describesUntilApplied = Integer.MAX_VALUE;
        journal.clear();
        LiveResources impatient = new LiveResources(region -> cfn, region -> autoScaling, region -> rds, progress,
                d -> { }, Clock.systemUTC(), Duration.ofMillis(1), Duration.ZERO);
        AwsIaasDeployer quick = new AwsIaasDeployer(region -> cfn, region -> s3,
                new StackDeployer(region -> cfn, DeployerSettings.defaults().withPollInterval(Duration.ofMillis(1)), progress,
                        d -> { }, Clock.systemUTC()), region -> PREFIX_LIST_ID, impatient, null, null, images, null, progress,
                Duration.ofMillis(1), Duration.ofMinutes(1), Clock.systemUTC());

        assertThatThrownBy(() -> quick.destroy(plan, true, true))
                .isInstanceOf(IaasDeployException.class)
                .hasMessageContaining("still shows deletion protection on")
                .hasMessageContaining("aws rds describe-db-instances --db-instance-identifier " + dbId());
        String data = plan.stack("data").name();
        assertThat(journal).noneMatch(l -> l.startsWith("cfn:UpdateTerminationProtection") || l.equals("cfn:DeleteStack " + data));
        assertThat(cfn.stacks).containsKey(data);
    }

    /** CloudFront in memory: invalidations complete on the first GetInvalidation. */
    /** DescribeSecret of the origin secret: one version, or two after a rotation (labels as Secrets Manager moves them). */
    static final class FakeOriginSecret implements SecretsManagerClient {
        static final String FIRST = "11111111-1111-1111-1111-111111111111";
        static final String SECOND = "22222222-2222-2222-2222-222222222222";
        final List<String> described = new ArrayList<>();
        boolean rotated;

        @Override
        public DescribeSecretResponse describeSecret(DescribeSecretRequest request) {
            described.add(request.secretId());
            return DescribeSecretResponse.builder().arn(request.secretId()).versionIdsToStages(rotated
                    ? Map.of(FIRST, List.of("AWSPREVIOUS"), SECOND, List.of("AWSCURRENT"))
                    : Map.of(FIRST, List.of("AWSCURRENT"))).build();
        }

        @Override
        public String serviceName() {
            return "secretsmanager";
        }

        @Override
        public void close() {
        }
    }

    static final class FakeCloudFront implements CloudFrontClient {
        final List<String> created = new ArrayList<>();
        private final List<String> journal;
        private int next;

        FakeCloudFront(List<String> journal) {
            this.journal = journal;
        }

        @Override
        public CreateInvalidationResponse createInvalidation(CreateInvalidationRequest request) {
            String line = request.distributionId() + " " + request.invalidationBatch().paths().items();
            created.add(line);
            journal.add("cloudfront:CreateInvalidation " + line);
            return CreateInvalidationResponse.builder().invalidation(i -> i.id("I" + ++next).status("InProgress")).build();
        }

        @Override
        public GetInvalidationResponse getInvalidation(GetInvalidationRequest request) {
            journal.add("cloudfront:GetInvalidation " + request.id());
            return GetInvalidationResponse.builder().invalidation(i -> i.id(request.id()).status("Completed")).build();
        }

        @Override
        public String serviceName() {
            return "cloudfront";
        }

        @Override
        public void close() {
        }
    }
}

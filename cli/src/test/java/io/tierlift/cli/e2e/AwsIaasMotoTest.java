package io.tierlift.cli.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy aws-iaas} end to end against moto_server (with moto_iaas_shim.py's CloudFormation
 * patches), the CLI run in-process with the SDK's standard environment variables: a first deploy
 * read back with the SDK, an unchanged redeploy that changes nothing, a scaling change that updates
 * only the compute stack (plan --detailed-exitcode 2 before, 0 after), the instances' image kept until
 * --refresh-image, destroy stopping at the protected data stack and then deleting it with
 * --force-data-deletion, and no secret anywhere.
 */
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AwsIaasMotoTest {
    private static final String REGION = "eu-west-1";
    private static final List<String> STACKS = List.of("notes-default-iaas-artifacts", "notes-default-iaas-network", "notes-default-iaas-data",
            "notes-default-iaas-compute", "notes-default-iaas-waf", "notes-default-iaas-static");
    private static final String WAF_STACK = "notes-default-iaas-waf";
    private static final String COMPUTE_STACK = "notes-default-iaas-compute";
    private static final String LATEST_IMAGE = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

    private final String dbCanary = "CANARY-db-" + UUID.randomUUID();
    private final String replicationCanary = "CANARY-repl-" + UUID.randomUUID();
    private final String tokenCanary = "CANARY-token-" + UUID.randomUUID();
    /** Everything tierlift printed or wrote, searched for the canaries at the end. */
    private final List<String> seen = new ArrayList<>();
    /** The origin secret's values seen in Secrets Manager, which tierlift must never print either. */
    private final List<String> originValues = new ArrayList<>();

    private MotoShim moto;
    private Path root;
    private Path descriptor;
    private Map<String, String> env;
    private CloudFormationClient cfn;
    private CloudFormationClient cfnUsEast1;
    private Ec2Client ec2;
    private S3Client s3;
    private AutoScalingClient autoScaling;
    private RdsClient rds;
    private ElasticLoadBalancingV2Client elb;

    @BeforeAll
    void start() throws Exception {
        moto = MotoShim.start();
        root = Files.createTempDirectory("tierlift-aws-iaas-e2e-");
        Path app = MotoApp.copyExample(root.resolve("app"));
        String edited = MotoApp.exampleDescriptorWithoutAcm()
                .replace("scaling: { min: 2, max: 6, cpu_target: 50 }", "scaling: { min: 2, max: 6, desired: 3, cpu_target: 50 }")
                // A secret variable: the instances read it from the app secret at boot.
                .replace("  release_command: \"python -m notes.migrate\"\n",
                        "  release_command: \"python -m notes.migrate\"\n  env:\n    NOTES_API_TOKEN: \"${env:NOTES_API_TOKEN}\"\n");
        assertThat(edited).contains("allow_http: true").contains("desired: 3").doesNotContain("certificate_arn")
                .contains("NOTES_API_TOKEN");
        descriptor = app.resolve("app.yaml");
        Files.writeString(descriptor, edited);
        Path home = Files.createDirectories(root.resolve("home"));
        env = MotoApp.env(moto, REGION, home, Map.of(
                "NOTES_DB_PASSWORD", dbCanary, "NOTES_REPLICATION_PASSWORD", replicationCanary, "NOTES_API_TOKEN", tokenCanary));
        cfn = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), REGION);
        cfnUsEast1 = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), Region.US_EAST_1.id());
        ec2 = MotoClients.of(Ec2Client.builder(), moto.endpoint(), REGION);
        autoScaling = MotoClients.of(AutoScalingClient.builder(), moto.endpoint(), REGION);
        rds = MotoClients.of(RdsClient.builder(), moto.endpoint(), REGION);
        elb = MotoClients.of(ElasticLoadBalancingV2Client.builder(), moto.endpoint(), REGION);
        s3 = MotoClients.of(S3Client.builder().forcePathStyle(true), moto.endpoint(), REGION);
    }

    @AfterAll
    void stop() throws IOException {
        for (AutoCloseable c : new AutoCloseable[]{cfn, cfnUsEast1, ec2, s3, autoScaling, rds, elb}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // sockets only
            }
        }
        if (moto != null) {
            moto.close();
        }
        if (root != null) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    @Order(1)
    void firstDeployCreatesEveryStackAndUploadsTheSite() throws Exception {
        Cli offline = tierlift("plan", "aws-iaas", "-f", descriptor.toString(), "--offline", "--output", "json");
        assertThat(offline.exitCode()).as(offline.all()).isZero();
        assertThat(offline.out()).contains("AWS::RDS::DBInstance").contains("index.html");

        Cli deploy = tierlift("deploy", "aws-iaas", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(deploy.err()).contains("Changes applied.").contains("release    uploaded");
        // CloudFormation creates the app secret empty; the deploy writes its value before the instances boot.
        try (SecretsManagerClient secrets = SecretsManagerClient.builder().region(Region.of(REGION)).endpointOverride(moto.endpoint())
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            String appSecret = output("notes-default-iaas-data", "AppSecretArn");
            assertThat(secrets.getSecretValue(b -> b.secretId(appSecret)).secretString())
                    .isEqualTo("{\"NOTES_API_TOKEN\":\"" + tokenCanary + "\"}");
        }
        assertThat(deploy.err()).contains("app secret written (1 variable(s): [NOTES_API_TOKEN])");
        assertThat(deploy.err()).as("the recap names the API origin").contains("api origin " )
                .contains(output("notes-default-iaas-compute", "AlbDnsName") + " (plain HTTP)");
        // The new index.html is invalidated on the static stack's distribution (the shim keeps invalidations
        // of its placeholder distribution; see patch 8), and waited for.
        String distribution = output("notes-default-iaas-static", "DistributionId");
        assertThat(deploy.err()).contains("cloudfront " + distribution + " | invalidation ")
                .containsPattern("cloudfront " + distribution + " \\| invalidation \\S+ Completed")
                .containsPattern("cdn +2 path\\(s\\) invalidated");

        for (String name : STACKS) {
            assertThat(stack(name)).as(name).hasValueSatisfying(s -> assertThat(s.stackStatusAsString()).isEqualTo("CREATE_COMPLETE"));
        }
        assertThat(stack("notes-default-iaas-data").orElseThrow().enableTerminationProtection()).isTrue();
        // The image Amazon's public parameter names now, recorded as the compute stack's parameter.
        assertThat(parameter(COMPUTE_STACK, "ImageId")).isEqualTo(newestImage()).startsWith("ami-");
        assertThat(deploy.err()).contains("image      " + newestImage() + " (Amazon's newest, recorded for later deploys)");
        assertThat(stack("notes-default-iaas-compute").orElseThrow().tags())
                .anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("tierlift:version=" + io.tierlift.cli.Version.current()));

        // Network: one VPC of the descriptor's CIDR, six subnets (public, app, db) over two zones.
        String vpcId = physicalId("notes-default-iaas-network", "AWS::EC2::VPC");
        assertThat(ec2.describeVpcs(b -> b.vpcIds(vpcId)).vpcs().get(0).cidrBlock()).isEqualTo("10.20.0.0/16");
        List<Subnet> subnets = ec2.describeSubnets(b -> b.filters(f -> f.name("vpc-id").values(vpcId))).subnets();
        assertThat(subnets).hasSize(6);
        assertThat(subnets.stream().map(Subnet::availabilityZone).collect(Collectors.toSet())).hasSize(2);
        assertThat(subnets).allSatisfy(s -> assertThat(s.cidrBlock()).startsWith("10.20."));

        // ALB in that VPC.
        List<LoadBalancer> lbs = elb.describeLoadBalancers(b -> { }).loadBalancers();
        assertThat(lbs).hasSize(1);
        assertThat(lbs.get(0).typeAsString()).isEqualTo("application");
        assertThat(lbs.get(0).vpcId()).isEqualTo(vpcId);
        // It forwards only requests carrying the origin secret's value, which Secrets Manager generated (the
        // shim resolves the dynamic references as CloudFormation does); anything else gets a fixed 403.
        String originValue = originSecretValue();
        originValues.add(originValue);
        assertThat(originValue).matches("[A-Za-z0-9]{48}");
        assertThat(listenerDefaultAction()).isEqualTo("fixed-response 403");
        assertThat(originHeaderRules()).isEqualTo(Map.of(10, List.of(originValue), 11, List.of(originValue)));

        // ASG sizes from the descriptor.
        assertThat(asgSizes()).isEqualTo(List.of(2, 6, 3));

        // RDS: Multi-AZ, encrypted, with its master password kept by RDS in Secrets Manager.
        List<DBInstance> dbs = rds.describeDBInstances(b -> { }).dbInstances();
        assertThat(dbs).hasSize(1);
        DBInstance db = dbs.get(0);
        assertThat(db.multiAZ()).isTrue();
        assertThat(db.storageEncrypted()).isTrue();
        assertThat(db.engine()).isEqualTo("postgres");
        assertThat(db.deletionProtection()).isTrue();
        assertThat(db.masterUserSecret().secretArn()).startsWith("arn:aws:secretsmanager:" + REGION);
        assertThat(output("notes-default-iaas-data", "DbSecretArn")).isEqualTo(db.masterUserSecret().secretArn());

        // The React build: index.html revalidated, hashed assets cached for a year, with their types.
        String site = output("notes-default-iaas-static", "SiteBucketName");
        List<String> keys = s3.listObjectsV2(b -> b.bucket(site)).contents().stream().map(S3Object::key).sorted().toList();
        List<String> expected;
        try (Stream<Path> walk = Files.walk(descriptor.getParent().resolve("frontend/dist"))) {
            Path dist = descriptor.getParent().resolve("frontend/dist");
            expected = walk.filter(Files::isRegularFile).map(p -> dist.relativize(p).toString()).sorted().toList();
        }
        assertThat(keys).isEqualTo(expected).contains("index.html");
        HeadObjectResponse index = s3.headObject(b -> b.bucket(site).key("index.html"));
        assertThat(index.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(index.cacheControl()).isEqualTo("no-cache");
        String js = keys.stream().filter(k -> k.startsWith("assets/") && k.endsWith(".js")).findFirst().orElseThrow();
        HeadObjectResponse asset = s3.headObject(b -> b.bucket(site).key(js));
        assertThat(asset.contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(asset.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
        String css = keys.stream().filter(k -> k.endsWith(".css")).findFirst().orElseThrow();
        assertThat(s3.headObject(b -> b.bucket(site).key(css)).contentType()).startsWith("text/css");

        // The backend release, named by its content hash, in the artifacts bucket.
        String artifacts = output("notes-default-iaas-artifacts", "ArtifactBucketName");
        assertThat(s3.listObjectsV2(b -> b.bucket(artifacts)).contents()).extracting(S3Object::key).hasSize(2)
                .anySatisfy(key -> assertThat(key).matches("releases/[0-9a-f]{16}\\.tar\\.gz"))
                .anySatisfy(key -> assertThat(key).matches("releases/[0-9a-f]{16}\\.migrations"));
        recordStackInputs();
    }

    @Test
    @Order(2)
    void secondDeployChangesNothing() {
        Map<String, Integer> events = eventCounts();
        Cli deploy = tierlift("deploy", "aws-iaas", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).contains("No changes: aws-iaas already matched.")
                .contains("0 file(s) uploaded (0 bytes)")
                .contains("release    unchanged")
                .doesNotContain("executing change set").doesNotContain("creating stack")
                .contains("image      " + newestImage() + " (kept)");
        for (String name : STACKS) {
            // The compute stack too: its image is a plain id the deploy keeps, not an SSM parameter
            // CloudFormation would resolve again, so no change set is needed to see that nothing changed.
            assertThat(deploy.err()).containsPattern(java.util.regex.Pattern.quote(name)
                    + " *\\| no changes: template, parameters and tags match the live stack");
        }
        // Neither CreateStack nor ExecuteChangeSet ran: both leave events on the stack.
        assertThat(eventCounts()).isEqualTo(events);
    }

    @Test
    @Order(3)
    void aNewerImageIsShownByPlanAndTakenOnlyWithRefreshImage() {
        // moto, like AWS, refuses writes to /aws/ parameters: the compute stack is made to run an older
        // image instead, which leaves it where a newer one published by Amazon would.
        String older = ec2.describeImages(b -> b.owners("amazon")).images().stream()
                .map(software.amazon.awssdk.services.ec2.model.Image::imageId)
                .filter(id -> !id.equals(newestImage())).sorted().findFirst().orElseThrow();
        cfn.updateStack(b -> b.stackName(COMPUTE_STACK).usePreviousTemplate(true).capabilitiesWithStrings("CAPABILITY_IAM")
                .tags(stack(COMPUTE_STACK).orElseThrow().tags())
                .parameters(stack(COMPUTE_STACK).orElseThrow().parameters().stream()
                        .map(p -> p.parameterKey().equals("ImageId")
                                ? software.amazon.awssdk.services.cloudformation.model.Parameter.builder()
                                        .parameterKey("ImageId").parameterValue(older).build()
                                : software.amazon.awssdk.services.cloudformation.model.Parameter.builder()
                                        .parameterKey(p.parameterKey()).usePreviousValue(true).build())
                        .toList()));
        assertThat(parameter(COMPUTE_STACK, "ImageId")).isEqualTo(older);

        Cli plan = tierlift("plan", "aws-iaas", "-f", descriptor.toString(), "--detailed-exitcode");
        assertThat(plan.exitCode()).as("a newer image alone changes nothing\n" + plan.all()).isZero();
        assertThat(plan.err()).containsPattern("image +\\| " + java.util.regex.Pattern.quote(older + " (kept; Amazon's newest is "
                + newestImage() + ": --refresh-image rolls the instances onto it)"));

        Cli refreshPlan = tierlift("plan", "aws-iaas", "-f", descriptor.toString(), "--refresh-image", "--detailed-exitcode");
        assertThat(refreshPlan.exitCode()).as(refreshPlan.all()).isEqualTo(2);
        // AWS would also list the launch template and the group (changed through the parameter); moto's change
        // sets list template edits only, so the image line is what this plan shows of the refresh.
        assertThat(refreshPlan.out()).contains("aws-iaas.compute.image  (ec2-image: refresh " + older + " -> " + newestImage() + ")")
                .contains("every instance is replaced, one at a time");

        Cli keep = tierlift("deploy", "aws-iaas", "-f", descriptor.toString(), "--yes");
        assertThat(keep.exitCode()).as(keep.all()).isZero();
        assertThat(recap(keep.err())).containsEntry("compute", "unchanged");
        assertThat(keep.err()).contains("image      " + older + " (kept)");
        assertThat(parameter(COMPUTE_STACK, "ImageId")).isEqualTo(older);

        Cli refresh = tierlift("deploy", "aws-iaas", "-f", descriptor.toString(), "--yes", "--refresh-image");
        assertThat(refresh.exitCode()).as(refresh.all()).isZero();
        assertThat(recap(refresh.err())).containsEntry("compute", "changed").containsEntry("data", "unchanged");
        assertThat(refresh.err()).contains("image      " + newestImage() + " (refreshed from " + older + ")");
        assertThat(parameter(COMPUTE_STACK, "ImageId")).isEqualTo(newestImage());
        String launchTemplate = physicalId(COMPUTE_STACK, "AWS::EC2::LaunchTemplate");
        assertThat(ec2.describeLaunchTemplateVersions(b -> b.launchTemplateId(launchTemplate).versions("$Latest"))
                .launchTemplateVersions().get(0).launchTemplateData().imageId()).isEqualTo(newestImage());

        Cli offline = tierlift("plan", "aws-iaas", "-f", descriptor.toString(), "--offline", "--refresh-image");
        assertThat(offline.exitCode()).as(offline.all()).isEqualTo(64);
    }

    @Test
    @Order(4)
    void aScalingChangeUpdatesOnlyTheComputeStack() throws Exception {
        Files.writeString(descriptor, Files.readString(descriptor).replace("max: 6,", "max: 8,"));
        Cli before = tierlift("plan", "aws-iaas", "-f", descriptor.toString(), "--detailed-exitcode");
        assertThat(before.exitCode()).as(before.all()).isEqualTo(2);
        assertThat(before.out()).contains("aws-iaas.compute.AppAutoScalingGroup").contains("1 to update");
        Cli json = tierlift("plan", "aws-iaas", "-f", descriptor.toString(), "--output", "json");
        assertThat(json.exitCode()).as(json.all()).isZero();

        Map<String, Integer> events = eventCounts();
        Cli deploy = tierlift("deploy", "aws-iaas", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(recap(deploy.err())).isEqualTo(Map.of("artifacts", "unchanged", "network", "unchanged", "data", "unchanged",
                "compute", "changed", "waf", "unchanged", "static", "unchanged"));
        Map<String, Integer> after = eventCounts();
        for (String name : STACKS) {
            if (name.equals("notes-default-iaas-compute")) {
                assertThat(after.get(name)).as(name).isGreaterThan(events.get(name));
            } else {
                assertThat(after.get(name)).as(name).isEqualTo(events.get(name));
            }
        }
        assertThat(asgSizes()).isEqualTo(List.of(2, 8, 3));

        Cli plan = tierlift("plan", "aws-iaas", "-f", descriptor.toString(), "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("No changes");

        Cli status = tierlift("status", "aws-iaas", "-f", descriptor.toString());
        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).contains("notes-default-iaas-compute").contains("UPDATE_COMPLETE")
                .contains("AUTO SCALING GROUP").contains("RDS INSTANCE");
        // The group as Auto Scaling names it: moto replaces the group on update but keeps the stack's old output.
        String group = autoScaling.describeAutoScalingGroups(b -> { }).autoScalingGroups().get(0).autoScalingGroupName();
        assertThat(status.out()).containsPattern(java.util.regex.Pattern.quote(group) + " +3 +2 +8 +3 +3  InService=3");
        assertThat(status.out()).containsPattern("\\n\\S+ +available +true +postgres ");
        Cli statusJson = tierlift("status", "aws-iaas", "-f", descriptor.toString(), "--output", "json");
        assertThat(statusJson.exitCode()).as(statusJson.all()).isZero();
        JsonNode parsed = new ObjectMapper().readTree(statusJson.out());
        assertThat(parsed.path("healthy").asBoolean()).isTrue();
        assertThat(parsed.at("/autoScalingGroup/name").asText()).isEqualTo(group);
        assertThat(List.of(parsed.at("/autoScalingGroup/min").asInt(), parsed.at("/autoScalingGroup/max").asInt(),
                parsed.at("/autoScalingGroup/desired").asInt(), parsed.at("/autoScalingGroup/inService").asInt()))
                .isEqualTo(List.of(2, 8, 3, 3));
        assertThat(parsed.at("/database/identifier").asText()).isEqualTo(rds.describeDBInstances(b -> { }).dbInstances().get(0)
                .dbInstanceIdentifier());
        assertThat(parsed.at("/database/status").asText()).isEqualTo("available");
        assertThat(parsed.at("/database/multiAz").asBoolean()).isTrue();
        assertThat(parsed.at("/database/storageEncrypted").asBoolean()).isTrue();
        assertThat(parsed.at("/database/pendingModifications").isArray()).isTrue();
        // RDS's automated backups of the instance, as moto keeps them: retention from the stack, a snapshot
        // taken at creation, restorable up to now.
        String db = parsed.at("/database/identifier").asText();
        assertThat(status.out()).contains("AUTOMATED BACKUPS of RDS instance " + db, "    retention            7 days")
                .containsPattern("    last snapshot        \\d{4}-\\d\\d-\\d\\dT[0-9:]+Z \\(\\S+( \\S+)? ago\\)")
                .containsPattern("    latest restorable    \\d{4}-\\d\\d-\\d\\dT[0-9:]+Z \\(\\S+( \\S+)? ago\\)");
        JsonNode backups = parsed.at("/database/backups");
        assertThat(backups.path("enabled").asBoolean()).isTrue();
        assertThat(backups.path("retentionDays").asInt()).isEqualTo(7);
        assertThat(Instant.parse(backups.path("lastSnapshot").asText())).isEqualTo(rds.describeDBSnapshots(b -> b
                .dbInstanceIdentifier(db).snapshotType("automated")).dbSnapshots().stream().map(DBSnapshot::snapshotCreateTime)
                .max(Comparator.naturalOrder()).orElseThrow().truncatedTo(ChronoUnit.SECONDS));
        assertThat(backups.path("latestRestorableLagSeconds").asLong()).isBetween(0L, 60L);

        // Automated backups turned off on the instance (outside the stack): status says so and exits 1.
        rds.modifyDBInstance(b -> b.dbInstanceIdentifier(db).backupRetentionPeriod(0).applyImmediately(true));
        Cli off = tierlift("status", "aws-iaas", "-f", descriptor.toString());
        assertThat(off.exitCode()).as(off.all()).isEqualTo(1);
        assertThat(off.out()).contains("    retention            0 days (off)")
                .contains("UNHEALTHY: RDS instance " + db + " has automated backups off (retention 0 days)");
        rds.modifyDBInstance(b -> b.dbInstanceIdentifier(db).backupRetentionPeriod(7).applyImmediately(true));
        assertThat(tierlift("status", "aws-iaas", "-f", descriptor.toString()).exitCode()).isZero();

        Path rendered = root.resolve("rendered");
        Cli render = tierlift("render", "aws-iaas", "-f", descriptor.toString(), "-o", rendered.toString());
        assertThat(render.exitCode()).as(render.all()).isZero();
        try (Stream<Path> walk = Files.walk(rendered)) {
            List<Path> files = walk.filter(Files::isRegularFile).toList();
            assertThat(files).isNotEmpty();
            for (Path f : files) {
                seen.add(f + ":\n" + Files.readString(f));
            }
        }
        recordStackInputs();
    }

    @Test
    @Order(5)
    void aRotatedOriginSecretReachesTheLoadBalancerOnTheNextDeployWhichStillAcceptsThePreviousValue() {
        String previous = originSecretValue();
        String rotated = "Rotated" + UUID.randomUUID().toString().replace("-", "");
        originValues.add(rotated);
        try (SecretsManagerClient secrets = secrets()) {
            secrets.putSecretValue(b -> b.secretId(output("notes-default-iaas-artifacts", "OriginSecretArn")).secretString(rotated));
        }
        // Until the deploy, the ALB keeps the values it was given: CloudFront still sends the previous one.
        assertThat(originHeaderRules()).isEqualTo(Map.of(10, List.of(previous), 11, List.of(previous)));

        Cli deploy = tierlift("deploy", "aws-iaas", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(recap(deploy.err())).isEqualTo(Map.of("artifacts", "unchanged", "network", "unchanged", "data", "unchanged",
                "compute", "changed", "waf", "unchanged", "static", "changed"));
        assertThat(originHeaderRules()).isEqualTo(Map.of(10, List.of(rotated), 11, List.of(previous)));
        assertThat(listenerDefaultAction()).isEqualTo("fixed-response 403");
        recordStackInputs();
    }

    /**
     * The frontend build every tier shares: a folder tierlift never built is built and shown as a
     * change, a source change rebuilds it, --no-build publishes it as it is; and the instances' gunicorn
     * pin is named by the plan as on-prem.
     */
    @Test
    @Order(6)
    void theFrontendIsBuiltAsOnEveryTierAndThePlanNamesTheGunicornPin() throws IOException {
        Path app = descriptor.getParent();
        String original = Files.readString(descriptor);
        Path index = app.resolve("frontend/dist/index.html");
        String page = Files.readString(index);
        Path source = app.resolve("frontend/src/index.html");
        Path requirements = app.resolve("backend/requirements.txt");
        String listed = Files.readString(requirements);
        Files.createDirectories(source.getParent());
        Files.writeString(source, page.replace("</body>", "<!-- iaas source one --></body>"));
        assertThat(original).contains("build: \"npm ci && npm run build\"");
        Files.writeString(descriptor, original.replace("build: \"npm ci && npm run build\"", "build: \"cp src/index.html dist/index.html\""));
        String site = output("notes-default-iaas-static", "SiteBucketName");
        try {
            Cli plan = tierlift("plan", "aws-iaas", "-f", descriptor.toString(), "--detailed-exitcode");
            assertThat(plan.exitCode()).as(plan.all()).isEqualTo(2);
            assertThat(plan.out()).containsPattern("aws-iaas\\.frontend:build +\\(build: built frontend/dist with "
                    + "`cp src/index.html dist/index.html`: tierlift has no record of building .*frontend/dist from these sources\\)")
                    .contains("aws-iaas.site/index.html");
            assertThat(plan.err()).doesNotContain("gunicorn is not in");
            Cli deploy = tierlift("deploy", "aws-iaas", "-f", descriptor.toString(), "--yes");
            assertThat(deploy.exitCode()).as(deploy.all()).isZero();
            assertThat(s3.getObjectAsBytes(b -> b.bucket(site).key("index.html")).asUtf8String()).contains("<!-- iaas source one -->");

            Files.writeString(source, page.replace("</body>", "<!-- iaas source two --></body>"));
            Cli asItIs = tierlift("plan", "aws-iaas", "-f", descriptor.toString(), "--no-build");
            assertThat(asItIs.out()).as(asItIs.all()).doesNotContain("frontend:build").doesNotContain("aws-iaas.site/index.html");
            assertThat(asItIs.err()).contains("--no-build: publishing " + app.resolve("frontend/dist") + " as it is");
            Cli rebuilt = tierlift("plan", "aws-iaas", "-f", descriptor.toString());
            assertThat(rebuilt.out()).as(rebuilt.all()).contains("sources changed since the last build: src/index.html")
                    .contains("aws-iaas.site/index.html");

            Files.writeString(requirements, "flask==3.1.3\npsycopg2-binary==2.9.13\n");
            Cli pinned = tierlift("plan", "aws-iaas", "-f", descriptor.toString(), "--offline");
            assertThat(pinned.err()).as(pinned.all())
                    .contains("gunicorn is not in backend/requirements.txt; the virtualenv adds gunicorn==26.2.0 (the app runs with it)");
        } finally {
            Files.writeString(descriptor, original);
            Files.writeString(index, page);
            Files.writeString(requirements, listed);
            Files.delete(source);
        }
    }

    @Test
    @Order(7)
    void destroyStopsAtTheProtectedDataStackThenDeletesItWhenForced() {
        Cli refused = tierlift("destroy", "aws-iaas", "-f", descriptor.toString(), "--yes");
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("notes-default-iaas-data").contains("--force-data-deletion");
        for (String gone : List.of("notes-default-iaas-static", "notes-default-iaas-waf", "notes-default-iaas-compute")) {
            assertThat(stack(gone)).as(gone).isEmpty();
        }
        for (String kept : List.of("notes-default-iaas-data", "notes-default-iaas-network", "notes-default-iaas-artifacts")) {
            assertThat(stack(kept)).as(kept).isPresent();
        }

        Cli forced = tierlift("destroy", "aws-iaas", "-f", descriptor.toString(), "--yes", "--force-data-deletion");
        assertThat(forced.exitCode()).as(forced.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(forced.err()).contains("deleted 3 stack(s)");
        for (String name : STACKS) {
            assertThat(stack(name)).as(name).isEmpty();
        }
        assertThat(forced.err()).contains("deletion protection is off");
        assertThat(rds.describeDBInstances(b -> { }).dbInstances()).isEmpty();
        assertThat(asgSizes()).isEmpty();
    }

    @Test
    @Order(8)
    void noSecretValueAppearsAnywhere() {
        seen.add("moto log\n" + moto.log());
        assertThat(seen).hasSizeGreaterThan(10);
        assertThat(originValues).hasSize(2);
        for (String text : seen) {
            assertThat(text).doesNotContain(dbCanary).doesNotContain(replicationCanary).doesNotContain(tokenCanary)
                    .doesNotContain("CANARY-").doesNotContain(originValues.get(0)).doesNotContain(originValues.get(1));
        }
    }

    // --- helpers ---

    private Cli tierlift(String... args) {
        Cli result = Cli.run(env, args);
        seen.add(String.join(" ", args) + "\n" + result.all());
        return result;
    }

    /** Templates and parameters of every live stack, as CloudFormation holds them. */
    private void recordStackInputs() {
        for (String name : STACKS) {
            CloudFormationClient client = name.equals(WAF_STACK) ? cfnUsEast1 : cfn;
            Stack s = stack(name).orElseThrow();
            seen.add(name + " parameters " + s.parameters() + " outputs " + s.outputs() + " tags " + s.tags());
            seen.add(name + " template " + client.getTemplate(b -> b.stackName(name)).templateBody());
        }
    }

    private Optional<Stack> stack(String name) {
        CloudFormationClient client = name.equals(WAF_STACK) ? cfnUsEast1 : cfn;
        try {
            return client.describeStacks(b -> b.stackName(name)).stacks().stream()
                    .filter(s -> !"DELETE_COMPLETE".equals(s.stackStatusAsString())).findFirst();
        } catch (CloudFormationException e) {
            if (e.getMessage().contains("does not exist")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private String output(String stackName, String key) {
        return stack(stackName).orElseThrow().outputs().stream().filter(o -> o.outputKey().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError(stackName + " has no output " + key)).outputValue();
    }

    private String parameter(String stackName, String key) {
        return stack(stackName).orElseThrow().parameters().stream().filter(p -> p.parameterKey().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError(stackName + " has no parameter " + key)).parameterValue();
    }

    /** The image Amazon's public SSM parameter names in moto (which ships them, as AWS publishes them). */
    private String newestImage() {
        try (SsmClient ssm = SsmClient.builder().region(Region.of(REGION)).endpointOverride(moto.endpoint())
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            return ssm.getParameter(b -> b.name(LATEST_IMAGE)).parameter().value();
        }
    }

    private String physicalId(String stackName, String type) {
        return cfn.describeStackResources(b -> b.stackName(stackName)).stackResources().stream()
                .filter(r -> r.resourceType().equals(type)).findFirst().orElseThrow().physicalResourceId();
    }

    private Map<String, Integer> eventCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (String name : STACKS) {
            CloudFormationClient client = name.equals(WAF_STACK) ? cfnUsEast1 : cfn;
            counts.put(name, client.describeStackEvents(b -> b.stackName(name)).stackEvents().size());
        }
        return counts;
    }

    /** [min, max, desired] of the one Auto Scaling group, or empty when there is none. */
    private List<Integer> asgSizes() {
        List<AutoScalingGroup> groups = autoScaling.describeAutoScalingGroups(b -> { }).autoScalingGroups();
        if (groups.isEmpty()) {
            return List.of();
        }
        assertThat(groups).hasSize(1);
        AutoScalingGroup g = groups.get(0);
        return List.of(g.minSize(), g.maxSize(), g.desiredCapacity());
    }

    private static Map<String, String> recap(String err) {
        Map<String, String> stacks = new LinkedHashMap<>();
        boolean inRecap = false;
        for (String line : err.lines().toList()) {
            if (line.equals("RECAP")) {
                inRecap = true;
            } else if (inRecap && line.matches("  (artifacts|network|data|compute|waf|static)\\s+\\S+")) {
                String[] parts = line.strip().split("\\s+");
                stacks.put(parts[0], parts[1]);
            }
        }
        return stacks;
    }

    private SecretsManagerClient secrets() {
        return SecretsManagerClient.builder().region(Region.of(REGION)).endpointOverride(moto.endpoint())
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private String originSecretValue() {
        try (SecretsManagerClient secrets = secrets()) {
            return secrets.getSecretValue(b -> b.secretId(output("notes-default-iaas-artifacts", "OriginSecretArn"))).secretString();
        }
    }

    private Listener onlyListener() {
        String alb = elb.describeLoadBalancers(b -> { }).loadBalancers().get(0).loadBalancerArn();
        List<Listener> listeners = elb.describeListeners(b -> b.loadBalancerArn(alb)).listeners();
        assertThat(listeners).hasSize(1);
        return listeners.get(0);
    }

    /** The listener's default action, as "type status". */
    private String listenerDefaultAction() {
        Action action = onlyListener().defaultActions().get(0);
        return action.typeAsString() + (action.fixedResponseConfig() == null ? "" : " " + action.fixedResponseConfig().statusCode());
    }

    /** Priority → values of the origin header condition, for every rule forwarding on that header. */
    private Map<Integer, List<String>> originHeaderRules() {
        Map<Integer, List<String>> rules = new TreeMap<>();
        for (Rule rule : elb.describeRules(b -> b.listenerArn(onlyListener().listenerArn())).rules()) {
            for (RuleCondition condition : rule.conditions()) {
                if ("http-header".equals(condition.field()) && condition.httpHeaderConfig() != null
                        && "X-Tierlift-Origin".equals(condition.httpHeaderConfig().httpHeaderName())) {
                    assertThat(rule.actions().get(0).typeAsString()).isEqualTo("forward");
                    rules.put(Integer.parseInt(rule.priority()), condition.httpHeaderConfig().values());
                }
            }
        }
        return rules;
    }

    private StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }
}

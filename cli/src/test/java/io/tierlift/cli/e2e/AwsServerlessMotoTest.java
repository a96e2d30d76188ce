package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.aws.serverless.ReleaseInvoker;
import io.tierlift.aws.tier.AwsServerlessMigrationTier;
import io.tierlift.cli.Main;
import io.tierlift.cli.console.Console;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.database.DbEndpoint;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Target;
import io.tierlift.tier.MigrationRequest;
import io.tierlift.tier.Operation;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFailure;
import io.tierlift.tier.TierRegistry;
import io.tierlift.tier.TierScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code deploy aws-serverless} end to end against moto_server (moto_iaas_shim.py with the
 * serverless patches at its end), the CLI in-process: the package is built with the real pip (local
 * index, CPython 3.11 on x86_64), uploaded under its content key, the stacks deployed and read back
 * with the SDK. moto can't execute Lambda code without Docker, so the release command's Invoke is
 * replaced by a recorder: the test asserts the function it was sent to and the version the alias
 * served at that moment, not what the command did (ServerlessReleaseOrderRealTest runs it for real).
 * moto's CloudFormation lacks Lambda versions and aliases; the shim's patch S8 adds them.
 */
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AwsServerlessMotoTest {
    private static final String REGION = "eu-west-1";
    private static final List<String> STACKS = List.of("notes-default-sls-artifacts", "notes-default-sls-network", "notes-default-sls-data",
            "notes-default-sls-api", "notes-default-sls-waf", "notes-default-sls-static");
    private static final String WAF_STACK = "notes-default-sls-waf";

    private final String tokenCanary = "CANARY-token-" + UUID.randomUUID();
    private final List<String> invoked = new CopyOnWriteArrayList<>();
    /** moto runs no Lambda code: the release command is answered here; one test swaps the answer. */
    private volatile ReleaseInvoker releaseInvoker;
    /** Where the app's role alone was set up (a migration's provision), as "region function". */
    private final List<String> roleSetUps = new CopyOnWriteArrayList<>();
    private final Function<TierContext, TierRegistry> tiers = MotoApp.tiersWithoutSsh("aws-serverless", new ReleaseInvoker() {
        @Override
        public ReleaseOutcome run(String region, String function) {
            return releaseInvoker.run(region, function);
        }

        @Override
        public ReleaseOutcome setUpAppRole(String region, String function) {
            roleSetUps.add(region + " " + function);
            return new ReleaseOutcome(0, "", false);
        }
    });
    private MotoShim moto;
    private Path root;
    private Path descriptor;
    private Map<String, String> env;
    private CloudFormationClient cfn;
    private CloudFormationClient cfnUsEast1;
    private S3Client s3;
    private LambdaClient lambda;
    private SecretsManagerClient secrets;
    private Route53Client route53;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        moto = MotoShim.start();
        root = Files.createTempDirectory("tierlift-aws-sls-e2e-");
        // The renderer picks python3.12 for "3.11" (the oldest runtime Lambda still offers) and this machine's
        // package index has the example's binary wheels (psycopg2) for CPython 3.11 only, so the package is
        // built here without requirements; LambdaNotesRealTest builds it with pip and runs it.
        Path app = MotoApp.copyExample(root.resolve("app"), MotoApp.NO_DEPENDENCIES);
        // x86_64: the local package index has the example's binary wheels for CPython 3.11 on x86_64 only.
        descriptor = app.resolve("app.yaml");
        Files.writeString(descriptor, """
                app: notes
                frontend: { path: frontend, dist: frontend/dist }
                backend:
                  path: backend
                  wsgi: "notes.app:app"
                  python: "3.11"
                  requirements: requirements.txt
                  release_command: "python -m notes.migrate"
                  env:
                    NOTES_API_TOKEN: "${env:NOTES_API_TOKEN}"
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                  aws-serverless:
                    region: eu-west-1
                    lambda: { architecture: x86_64, memory_mb: 1024, timeout_s: 15 }
                    database: { min_acu: 0, max_acu: 4 }
                """);
        Path home = Files.createDirectories(root.resolve("home"));
        env = MotoApp.env(moto, REGION, home, Map.of(
                "NOTES_API_TOKEN", tokenCanary, "NOTES_DB_PASSWORD", "unused-on-serverless", "PATH", System.getenv("PATH")));
        cfn = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), REGION);
        cfnUsEast1 = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), Region.US_EAST_1.id());
        s3 = MotoClients.of(S3Client.builder().forcePathStyle(true), moto.endpoint(), REGION);
        lambda = MotoClients.of(LambdaClient.builder(), moto.endpoint(), REGION);
        secrets = MotoClients.of(SecretsManagerClient.builder(), moto.endpoint(), REGION);
        route53 = MotoClients.of(Route53Client.builder(), moto.endpoint(), Region.AWS_GLOBAL.id());
        releaseInvoker = succeeding();
    }

    /** A release command that succeeds, recording where it ran and the version the alias served meanwhile. */
    private ReleaseInvoker succeeding() {
        return (region, function) -> {
            invoked.add(region + " " + function + " while live=" + aliasVersion());
            return new ReleaseInvoker.ReleaseOutcome(0, "applied 0001_create_notes\n", false);
        };
    }

    /** The version the alias API Gateway invokes serves, read from moto. */
    private String aliasVersion() {
        String function = output("notes-default-sls-api", "FunctionName");
        return lambda.getAlias(b -> b.functionName(function).name("live")).functionVersion();
    }

    @AfterAll
    void stop() throws IOException {
        for (AutoCloseable c : new AutoCloseable[]{cfn, cfnUsEast1, s3, lambda, secrets, route53}) {
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
    void firstDeployCreatesTheFunctionTheApiTheDatabaseAndTheSite() throws Exception {
        Cli offline = Cli.run(tiers, env, "plan", "aws-serverless", "-f", descriptor.toString(), "--offline", "--output", "json");
        assertThat(offline.exitCode()).as(offline.all()).isZero();
        assertThat(offline.out()).contains("AWS::Lambda::Function").contains("AWS::RDS::DBCluster").contains("index.html");

        Cli deploy = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(deploy.err()).doesNotContain("will not pause");
        assertThat(deploy.err()).contains("Changes applied.").contains("package    uploaded")
                .containsPattern("release +\\| applied 0001_create_notes").contains("secret     written");
        for (String name : STACKS) {
            // The api stack is updated once more after its creation: the alias moves once the release command succeeded.
            String settled = name.equals("notes-default-sls-api") ? "UPDATE_COMPLETE" : "CREATE_COMPLETE";
            assertThat(stack(name)).as(name).hasValueSatisfying(s -> assertThat(s.stackStatusAsString()).isEqualTo(settled));
        }
        assertThat(aliasVersion()).as(deploy.err()).isEqualTo("1");
        assertThat(stack("notes-default-sls-data").orElseThrow().enableTerminationProtection()).isTrue();

        // The package, by its content key, in the artifacts bucket; the function's code comes from it.
        String artifacts = output("notes-default-sls-artifacts", "ArtifactBucketName");
        // Beside it, the schema migrations it carries (for releases and rollbacks).
        List<S3Object> packages = s3.listObjectsV2(b -> b.bucket(artifacts)).contents().stream()
                .filter(o -> !o.key().startsWith("migrations/")).toList();
        assertThat(packages).singleElement().satisfies(o -> assertThat(o.key()).matches("releases/lambda/notes-[0-9a-f]{20}\\.zip"));
        assertThat(s3.listObjectsV2(b -> b.bucket(artifacts).prefix("migrations/")).contents()).singleElement()
                .satisfies(o -> assertThat(o.key()).matches("migrations/[0-9a-f]{64}\\.txt"));
        String codeKey = packages.get(0).key();
        assertThat(parameter("notes-default-sls-api", "CodeKey")).isEqualTo(codeKey);
        String functionName = output("notes-default-sls-api", "FunctionName");
        var function = lambda.getFunction(b -> b.functionName(functionName));
        // The renderer deploys "3.11" apps on python3.12 (see the package note above).
        assertThat(function.configuration().runtimeAsString()).isEqualTo("python3.12");
        assertThat(function.configuration().handler()).isEqualTo("tierlift_lambda.handler");
        byte[] zip = s3.getObjectAsBytes(b -> b.bucket(artifacts).key(codeKey)).asByteArray();
        assertThat(function.configuration().codeSize()).isEqualTo((long) zip.length);
        // The release command ran in the release function, while the alias still followed $LATEST (nothing
        // was released before); then the alias moved to the published version.
        assertThat(invoked).containsExactly(REGION + " " + output("notes-default-sls-api", "ReleaseFunctionName") + " while live=$LATEST");
        assertThat(output("notes-default-sls-api", "PublishedVersion")).isEqualTo("1");
        assertThat(aliasVersion()).isEqualTo("1");
        assertThat(parameter("notes-default-sls-api", "LiveVersion")).isEqualTo("1");
        assertThat(deploy.err()).contains("alias      live: version $LATEST -> 1");
        assertThat(lambda.getFunctionConfiguration(b -> b.functionName(output("notes-default-sls-api", "ReleaseFunctionName")))
                .timeout()).isEqualTo(900);
        // The function is told where the origin secret is, never its value; the static stack's CloudFront
        // origin reads the version labelled current now.
        String originSecret = output("notes-default-sls-artifacts", "OriginSecretArn");
        String current = secrets.describeSecret(b -> b.secretId(originSecret)).versionIdsToStages().entrySet().stream()
                .filter(e -> e.getValue().contains("AWSCURRENT")).map(Map.Entry::getKey).findFirst().orElseThrow();
        Map<String, String> variables = function.configuration().environment().variables();
        assertThat(variables).containsEntry("TIERLIFT_ORIGIN_SECRET_ARN", originSecret);
        assertThat(variables.values()).doesNotContain(secrets.getSecretValue(b -> b.secretId(originSecret)).secretString());
        assertThat(parameter("notes-default-sls-static", "OriginSecretVersion")).isEqualTo(current);

        // The HTTP API with its route to the function.
        String apiId = output("notes-default-sls-api", "ApiId");
        String api = rest("/v2/apis/" + apiId);
        assertThat(api).as(api).contains("\"protocolType\":\"HTTP\"");
        String routes = rest("/v2/apis/" + apiId + "/routes");
        assertThat(routes).contains("/api/{proxy+}");
        String integrations = rest("/v2/apis/" + apiId + "/integrations");
        assertThat(integrations).contains("AWS_PROXY").contains(functionName + ":live");

        // The database cluster: Aurora PostgreSQL, Serverless v2.
        String clusterId = physicalId("notes-default-sls-data", "AWS::RDS::DBCluster");
        String cluster = query("rds", "2014-10-31", "DescribeDBClusters", "DBClusterIdentifier=" + clusterId);
        assertThat(cluster).contains("<Engine>aurora-postgresql</Engine>").containsPattern("<MinCapacity>0(\\.0)?</MinCapacity>");
        // min_acu 0: no RDS Proxy and logical replication off, which would each keep the writer from pausing; the
        // function connects to the cluster's writer, its concurrency capped instead.
        assertThat(cfn.describeStackResources(b -> b.stackName("notes-default-sls-data")).stackResources())
                .extracting(r -> r.resourceType()).doesNotContain("AWS::RDS::DBProxy", "AWS::RDS::DBProxyTargetGroup");
        assertThat(parameter("notes-default-sls-data", "LogicalReplication")).isEqualTo("0");
        assertThat(function.configuration().environment().variables())
                .containsEntry("TIERLIFT_DB_HOST", output("notes-default-sls-data", "DbClusterEndpointAddress"));
        assertThat(lambda.getFunctionConcurrency(b -> b.functionName(functionName)).reservedConcurrentExecutions()).isEqualTo(20);

        // The app secret holds the secret variable, written by the deployer.
        String appSecret = output("notes-default-sls-data", "AppSecretArn");
        assertThat(secrets.getSecretValue(b -> b.secretId(appSecret)).secretString()).isEqualTo("{\"NOTES_API_TOKEN\":\"" + tokenCanary + "\"}");

        // The React build in the site bucket.
        String site = output("notes-default-sls-static", "SiteBucketName");
        List<String> keys = s3.listObjectsV2(b -> b.bucket(site)).contents().stream().map(S3Object::key).sorted().toList();
        Path dist = descriptor.getParent().resolve("frontend/dist");
        List<String> expected;
        try (Stream<Path> walk = Files.walk(dist)) {
            expected = walk.filter(Files::isRegularFile).map(p -> dist.relativize(p).toString()).sorted().toList();
        }
        assertThat(keys).isEqualTo(expected).contains("index.html");

        Cli status = Cli.run(tiers, env, "status", "aws-serverless", "-f", descriptor.toString());
        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).contains("function   " + functionName).contains("api        https://");
        // Aurora's automated backups of the cluster, found through the data stack: retention from the stack, the
        // restore window DescribeDBClusters gives, the snapshot moto takes at creation.
        assertThat(status.out()).contains("AUTOMATED BACKUPS of Aurora cluster " + clusterId, "    retention            7 days")
                .containsPattern("    earliest restorable  \\d{4}-\\d\\d-\\d\\dT[0-9:]+Z\\n")
                .containsPattern("    latest restorable    \\d{4}-\\d\\d-\\d\\dT[0-9:]+Z \\(\\S+( \\S+)? ago\\)")
                .doesNotContain("UNHEALTHY");
        Cli statusJson = Cli.run(tiers, env, "status", "aws-serverless", "-f", descriptor.toString(), "--output", "json");
        assertThat(statusJson.exitCode()).as(statusJson.all()).isZero();
        JsonNode parsed = new ObjectMapper().readTree(statusJson.out());
        assertThat(parsed.path("healthy").asBoolean()).isTrue();
        assertThat(parsed.at("/function/name").asText()).isEqualTo(functionName);
        assertThat(parsed.at("/database/backups/resource").asText()).isEqualTo("Aurora cluster " + clusterId);
        assertThat(parsed.at("/database/backups/retentionDays").asInt()).isEqualTo(7);
        assertThat(parsed.at("/database/backups/lastSnapshot").asText()).startsWith(query("rds", "2014-10-31",
                "DescribeDBClusterSnapshots", "DBClusterIdentifier=" + clusterId + "&SnapshotType=automated")
                .replaceAll("(?s).*<SnapshotCreateTime>(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d).*", "$1"));
        assertThat(parsed.at("/database/backups/latestRestorableLagSeconds").asLong()).isBetween(0L, 60L);
    }

    @Test
    @Order(2)
    void secondDeployChangesNothingAndUploadsNothing() {
        Map<String, Integer> events = eventCounts();
        String artifacts = output("notes-default-sls-artifacts", "ArtifactBucketName");
        Cli deploy = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(deploy.err()).contains("No changes: aws-serverless already matched.").contains("package    unchanged")
                .contains("secret     unchanged").contains("0 file(s) uploaded (0 bytes)")
                .doesNotContain("executing change set").doesNotContain("creating stack");
        assertThat(eventCounts()).isEqualTo(events);
        assertThat(s3.listObjectVersions(b -> b.bucket(artifacts)).versions()).as("the package and its migrations").hasSize(2);
    }

    @Test
    @Order(3)
    void aChangedPageIsInvalidatedOnTheDistributionBeforeStaleFilesGo() throws IOException {
        Path index = descriptor.getParent().resolve("frontend/dist/index.html");
        String page = Files.readString(index);
        Path extra = descriptor.getParent().resolve("frontend/dist/robots.txt");
        Files.writeString(index, page.replace("</body>", "<!-- build 2 --></body>"));
        Files.writeString(extra, "User-agent: *\n");
        try {
            Cli deploy = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--yes");
            assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
            String distribution = output("notes-default-sls-static", "DistributionId");
            // Changed and new files that are not content-hashed, and "/" for the root page.
            assertThat(deploy.err()).contains("cloudfront " + distribution + " | invalidation ")
                    .contains("3 path(s) [/, /index.html, /robots.txt]")
                    .containsPattern("cloudfront " + distribution + " \\| invalidation \\S+ Completed")
                    .containsPattern("cdn +3 path\\(s\\) invalidated")
                    .doesNotContain("are not invalidated by this version");
            String site = output("notes-default-sls-static", "SiteBucketName");
            assertThat(s3.getObjectAsBytes(b -> b.bucket(site).key("index.html")).asUtf8String()).contains("<!-- build 2 -->");
        } finally {
            Files.writeString(index, page);
            Files.delete(extra);
        }
        // Back to the first build: index.html changes again and robots.txt is stale.
        Cli back = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--yes");
        assertThat(back.exitCode()).as(back.all()).isZero();
        assertThat(back.err()).containsPattern("cdn +2 path\\(s\\) invalidated").contains("1 stale deleted");
    }

    @Test
    @Order(4)
    void asAMigrationTierItGivesTheClusterSwitchesMaintenanceAndMovesTheDnsRecord() throws IOException {
        String zone = route53.createHostedZone(b -> b.name("example.com.").callerReference(UUID.randomUUID().toString()))
                .hostedZone().id();
        String zoneId = zone.substring(zone.lastIndexOf('/') + 1);
        route53.changeResourceRecordSets(b -> b.hostedZoneId(zoneId).changeBatch(c -> c.changes(Change.builder()
                .action(ChangeAction.CREATE).resourceRecordSet(ResourceRecordSet.builder().name("notes.example.com.")
                        .type(RRType.A).ttl(60L).resourceRecords(r -> r.value("10.231.0.10")).build()).build())));
        Path managed = descriptor.resolveSibling("app-dns.yaml");
        Files.writeString(managed, Files.readString(descriptor).replace("    region: eu-west-1\n", """
                    region: eu-west-1
                    domain: notes.example.com
                    cloudfront_certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/abcd
                """) + "dns: { zone_id: " + zoneId + ", name: notes.example.com }\n");
        StringWriter err = new StringWriter();
        TierRegistry app = tiers.apply(Main.context(env,
                new Console(new PrintWriter(new StringWriter()), new PrintWriter(err, true), false, false)));
        AppDescriptor withDns = new DescriptorLoader().load(managed, Optional.empty()).descriptor();
        String functionName = output("notes-default-sls-api", "FunctionName");
        Map<String, String> variables = lambda.getFunctionConfiguration(b -> b.functionName(functionName)).environment().variables();

        try (AwsServerlessMigrationTier tier = migrationTier(app, withDns)) {
            DbEndpoint db = tier.database();
            assertThat(db.host()).isEqualTo(output("notes-default-sls-data", "DbClusterEndpointAddress"))
                    .doesNotContain("proxy");
            assertThat(db.port()).isEqualTo(Integer.parseInt(output("notes-default-sls-data", "DbClusterEndpointPort")));
            assertThat(db.database()).isEqualTo("notes");
            assertThat(db.user()).isEqualTo("notes");
            assertThat(db.password()).hasValueSatisfying(ref -> assertThat(ref.toString())
                    .isEqualTo("${aws-sm:" + output("notes-default-sls-data", "DbSecretArn") + "}"));
            // The cluster's RDS-managed secret holds {"username", "password"}; a connection gets the password.
            String stored = secrets.getSecretValue(b -> b.secretId(output("notes-default-sls-data", "DbSecretArn"))).secretString();
            String password = tier.secretResolver().apply(db.password().orElseThrow()).reveal();
            assertThat(password).isNotBlank().doesNotStartWith("{");
            assertThat(stored).contains("\"password\"").contains(password);

            // A logical migration from this cluster turns logical replication on first, restarting the writer; shown before.
            assertThat(tier.logicalReplicationChange()).hasValueSatisfying(change -> assertThat(change)
                    .contains("LogicalReplication = 1").contains("restart its writer"));
            tier.allowLogicalReplication();
            assertThat(parameter("notes-default-sls-data", "LogicalReplication")).isEqualTo("1");
            assertThat(tier.logicalReplicationChange()).isEmpty();
            Cli plan = Cli.run(tiers, env, "plan", "aws-serverless", "-f", descriptor.toString());
            assertThat(plan.err()).as(plan.all()).contains("min_acu is 0 but the database will not pause: logical replication is on");

            String serving = aliasVersion();
            tier.maintenance(true);
            // What the alias serves is in maintenance (a version published with the variable), not only $LATEST.
            assertThat(aliasVersion()).isNotEqualTo(serving);
            Map<String, String> during = lambda.getFunctionConfiguration(b -> b.functionName(functionName).qualifier("live"))
                    .environment().variables();
            assertThat(during).containsEntry("TIERLIFT_MAINTENANCE", "on").hasSize(variables.size() + 1)
                    .containsAllEntriesOf(variables);
            tier.maintenance(false);
            assertThat(aliasVersion()).isEqualTo(serving);
            assertThat(lambda.getFunctionConfiguration(b -> b.functionName(functionName)).environment().variables())
                    .isEqualTo(variables);

            StringWriter out = new StringWriter();
            tier.takeTraffic(new PrintWriter(out, true));
            String distribution = output("notes-default-sls-static", "DistributionDomainName");
            assertThat(out.toString()).contains("DNS: notes.example.com. now points at aws-serverless (" + distribution + ")")
                    .contains("INSYNC");
            List<ResourceRecordSet> records = route53.listResourceRecordSets(b -> b.hostedZoneId(zoneId)).resourceRecordSets()
                    .stream().filter(r -> r.name().equals("notes.example.com.")).toList();
            assertThat(records).extracting(ResourceRecordSet::typeAsString).containsExactlyInAnyOrder("A", "AAAA");
            assertThat(records).allSatisfy(r -> assertThat(r.aliasTarget().dnsName()).startsWith(distribution));

            StringWriter again = new StringWriter();
            tier.takeTraffic(new PrintWriter(again, true));
            assertThat(again.toString()).contains("already points at aws-serverless");
        }
        assertThat(err.toString()).contains("turning maintenance on").contains("UPSERT A notes.example.com.")
                .contains("turning logical replication on").contains("restarting the writer").contains("parameters applied");

        // Without a dns section: the records to change, printed.
        AppDescriptor plain = new DescriptorLoader().load(descriptor, Optional.empty()).descriptor();
        try (AwsServerlessMigrationTier tier = migrationTier(app, plain)) {
            StringWriter out = new StringWriter();
            tier.takeTraffic(new PrintWriter(out, true));
            assertThat(out.toString()).contains("aws-serverless serves the app at https://"
                    + output("notes-default-sls-static", "DistributionDomainName") + "/").contains("has no alias");
            // Provisioning a deployed tier changes nothing.
            int releaseCommands = invoked.size();
            tier.provision();
            assertThat(invoked).as("a migration's provision runs no release command: the copy brings the schema")
                    .hasSize(releaseCommands);
            assertThat(roleSetUps).as("it sets up the app's role in the function all the same")
                    .containsExactly(REGION + " " + output("notes-default-sls-api", "ReleaseFunctionName"));
        }
        assertThat(err.toString()).contains("is already there").doesNotContain("creating stack")
                .contains("release command not run: the migration copies the schema");
    }

    @Test
    @Order(5)
    void aFailingReleaseCommandStopsTheDeployWithTheOldVersionServingAndShowsItsOutput() throws IOException {
        releaseInvoker = (region, function) ->
                new ReleaseInvoker.ReleaseOutcome(1, "applying 0003_add_tags\nERROR: relation \"tags\" already exists\n", false);
        Path dist = descriptor.getParent().resolve("frontend/dist/index.html");
        String page = Files.readString(dist);
        Files.writeString(dist, page.replace("</body>", "<!-- changed --></body>"));
        String codeKey = parameter("notes-default-sls-api", "CodeKey");
        changeTheBackend("# release 2\n");
        try {
            Cli deploy = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--yes");
            assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isEqualTo(1);
            assertThat(deploy.all()).contains("relation \"tags\" already exists").containsIgnoringCase("release command")
                    .contains("before alias live moved, so version 1 still serves");
            // The new code is published as a new version, but the alias API Gateway invokes stays on version 1.
            assertThat(parameter("notes-default-sls-api", "CodeKey")).isNotEqualTo(codeKey);
            assertThat(output("notes-default-sls-api", "PublishedVersion")).isNotEqualTo("1");
            assertThat(lambda.getFunctionConfiguration(b -> b.functionName(output("notes-default-sls-api", "FunctionName"))
                    .qualifier(output("notes-default-sls-api", "PublishedVersion"))).description()).startsWith("tierlift release ");
            assertThat(aliasVersion()).isEqualTo("1");
            String site = output("notes-default-sls-static", "SiteBucketName");
            String live = s3.getObjectAsBytes(b -> b.bucket(site).key("index.html")).asUtf8String();
            assertThat(live).as("the site is not touched when the release command fails").doesNotContain("<!-- changed -->");
            assertThat(parameter("notes-default-sls-data", "LogicalReplication"))
                    .as("a deploy keeps logical replication on while a migration may still need it").isEqualTo("1");
        } finally {
            Files.writeString(dist, page);
            releaseInvoker = succeeding();
        }
    }

    @Test
    @Order(6)
    void onceTheReleaseCommandSucceedsTheAliasMovesAndRollbackGoesBackWithoutAPackage() {
        Cli plan = Cli.run(tiers, env, "plan", "aws-serverless", "-f", descriptor.toString());
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("alias live serves version 1 until the release command succeeded in the new version");

        String published = output("notes-default-sls-api", "PublishedVersion");
        invoked.clear();
        Cli deploy = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(invoked).as("the release command ran while version 1 served")
                .containsExactly(REGION + " " + output("notes-default-sls-api", "ReleaseFunctionName") + " while live=1");
        assertThat(aliasVersion()).isEqualTo(published);
        assertThat(deploy.err()).contains("alias      live: version 1 -> " + published + "; deploy --rollback goes back to version 1");

        Cli shown = Cli.run(tiers, env, "plan", "aws-serverless", "-f", descriptor.toString(), "--output", "json");
        assertThat(shown.out()).contains("alias live serves version " + published + "; deploy --rollback goes back to version 1");

        invoked.clear();
        String artifacts = output("notes-default-sls-artifacts", "ArtifactBucketName");
        int packages = s3.listObjectsV2(b -> b.bucket(artifacts)).contents().size();
        Cli rollback = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--rollback", "--yes");
        assertThat(rollback.exitCode()).as(rollback.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(aliasVersion()).isEqualTo("1");
        assertThat(rollback.err()).contains("alias      live: version " + published + " -> 1; deploy --rollback goes back to version "
                        + published)
                .contains("Rolled back: alias live serves version 1 again.").doesNotContain("running the release command");
        assertThat(invoked).as("no release command on a rollback").isEmpty();
        assertThat(s3.listObjectsV2(b -> b.bucket(artifacts)).contents()).as("no package built or uploaded").hasSize(packages);

        Cli forward = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--rollback", "--yes");
        assertThat(forward.exitCode()).as(forward.all()).isZero();
        assertThat(aliasVersion()).as("a second rollback goes forward again").isEqualTo(published);
    }

    /** The frontend build all tiers share: an output folder tierlift never built, then a source change, then --no-build. */
    @Test
    @Order(7)
    void theFrontendIsBuiltWhenItsOriginIsUnknownOrItsSourcesChangeAndNoBuildPublishesItAsItIs() throws IOException {
        Path app = descriptor.getParent();
        String original = Files.readString(descriptor);
        Path index = app.resolve("frontend/dist/index.html");
        String page = Files.readString(index);
        Path source = app.resolve("frontend/src/index.html");
        Files.createDirectories(source.getParent());
        Files.writeString(source, page.replace("</body>", "<!-- source one --></body>"));
        Files.writeString(descriptor, original.replace("frontend: { path: frontend, dist: frontend/dist }",
                "frontend: { path: frontend, dist: frontend/dist, build: \"cp src/index.html dist/index.html\" }"));
        String site = output("notes-default-sls-static", "SiteBucketName");
        try {
            Cli plan = Cli.run(tiers, env, "plan", "aws-serverless", "-f", descriptor.toString(), "--detailed-exitcode");
            assertThat(plan.exitCode()).as(plan.all()).isEqualTo(2);
            assertThat(plan.out()).containsPattern("aws-serverless\\.frontend:build +\\(build: built frontend/dist with "
                    + "`cp src/index.html dist/index.html`: tierlift has no record of building .*frontend/dist from these sources\\)")
                    .contains("aws-serverless.site/index.html");
            Cli deploy = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--yes");
            assertThat(deploy.exitCode()).as(deploy.all()).isZero();
            assertThat(s3.getObjectAsBytes(b -> b.bucket(site).key("index.html")).asUtf8String()).contains("<!-- source one -->");

            Cli unchanged = Cli.run(tiers, env, "plan", "aws-serverless", "-f", descriptor.toString());
            assertThat(unchanged.out()).as(unchanged.all()).doesNotContain("frontend:build");
            assertThat(unchanged.err()).contains("is up to date with");

            Files.writeString(source, page.replace("</body>", "<!-- source two --></body>"));
            Cli asItIs = Cli.run(tiers, env, "plan", "aws-serverless", "-f", descriptor.toString(), "--no-build");
            assertThat(asItIs.out()).as(asItIs.all()).doesNotContain("frontend:build").doesNotContain("aws-serverless.site/index.html (");
            assertThat(asItIs.err()).contains("--no-build: publishing " + app.resolve("frontend/dist") + " as it is; its sources were not checked");
            assertThat(Files.readString(index)).contains("<!-- source one -->");

            Cli rebuilt = Cli.run(tiers, env, "deploy", "aws-serverless", "-f", descriptor.toString(), "--yes");
            assertThat(rebuilt.exitCode()).as(rebuilt.all()).isZero();
            assertThat(rebuilt.err()).contains("sources changed since the last build: src/index.html");
            assertThat(s3.getObjectAsBytes(b -> b.bucket(site).key("index.html")).asUtf8String()).contains("<!-- source two -->");
        } finally {
            Files.writeString(descriptor, original);
            Files.writeString(index, page);
            Files.delete(source);
        }
    }

    @Test
    @Order(8)
    void destroyStopsAtTheDatabaseThenRemovesEverything() {
        Cli stopped = Cli.run(tiers, env, "destroy", "aws-serverless", "-f", descriptor.toString(), "--yes");
        assertThat(stopped.exitCode()).as(stopped.all()).isNotZero();
        assertThat(stopped.err()).contains("termination protection");
        assertThat(stack("notes-default-sls-data")).isPresent();
        assertThat(stack("notes-default-sls-api")).isEmpty();

        Cli forced = Cli.run(tiers, env, "destroy", "aws-serverless", "-f", descriptor.toString(), "--yes", "--force-data-deletion");
        assertThat(forced.exitCode()).as(forced.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        for (String name : STACKS) {
            assertThat(stack(name)).as(name).isEmpty();
        }
        assertThat(lambda.listFunctions().functions()).isEmpty();
        assertThat(query("rds", "2014-10-31", "DescribeDBClusters", "")).doesNotContain("<DBCluster>");
    }

    @Test
    @Order(9)
    void aMigrationTierThatIsNotDeployedSaysSo() {
        TierRegistry app = tiers.apply(Main.context(env,
                new Console(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, false)));
        AppDescriptor plain = new DescriptorLoader().load(descriptor, Optional.empty()).descriptor();
        try (AwsServerlessMigrationTier tier = migrationTier(app, plain)) {
            assertThatThrownBy(tier::database).isInstanceOf(TierFailure.class)
                    .hasMessage("stack notes-default-sls-data (eu-west-1) does not exist: aws-serverless is not deployed; deploy it "
                            + "first (tierlift deploy aws-serverless)");
            assertThatThrownBy(() -> tier.maintenance(true)).isInstanceOf(TierFailure.class)
                    .hasMessageContaining("stack notes-default-sls-api (eu-west-1) does not exist");
        }
    }

    // --- helpers ---

    /** A new line in the app's code: a new package key, so the next deploy publishes a new version. */
    private void changeTheBackend(String line) throws IOException {
        Path app = descriptor.getParent().resolve("backend/notes/app.py");
        Files.writeString(app, Files.readString(app) + line);
    }

    /** The tier's migration port as {@code migrate} opens it, through the registry. */
    private static AwsServerlessMigrationTier migrationTier(TierRegistry tiers, AppDescriptor descriptor) {
        try (Tier tier = tiers.open(Target.AWS_SERVERLESS, TierScope.of(descriptor), Operation.MIGRATE)) {
            return (AwsServerlessMigrationTier) tier.migration(new MigrationRequest("", 0));
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

    /** A REST-JSON GET for API Gateway v2, whose SDK module this build does not carry. */
    private String rest(String path) {
        return send(HttpRequest.newBuilder(moto.endpoint().resolve(path))
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20250101/" + REGION
                        + "/apigateway/aws4_request, SignedHeaders=host, Signature=00").GET(), "apigateway " + path);
    }

    /** A Query-protocol call for RDS, whose SDK module this build does not carry. */
    private String query(String service, String version, String action, String params) {
        String body = "Action=" + action + "&Version=" + version + (params.isEmpty() ? "" : "&" + params);
        return send(HttpRequest.newBuilder(moto.endpoint().resolve("/"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20250101/" + REGION + "/" + service
                        + "/aws4_request, SignedHeaders=host, Signature=00")
                .POST(HttpRequest.BodyPublishers.ofString(body)), service + " " + action);
    }

    private String send(HttpRequest.Builder request, String what) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(200);
            return response.body().replace(" ", "");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(what + " failed: " + e, e);
        }
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
    }
}

package io.tierlift.aws;

import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.cloudformation.ChangeAction;
import io.tierlift.aws.cloudformation.ChangeSetPlan;
import io.tierlift.aws.cloudformation.DeployResult;
import io.tierlift.aws.cloudformation.DeployerSettings;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.OutputRef;
import io.tierlift.aws.cloudformation.PlannedChangeMapper;
import io.tierlift.aws.cloudformation.ResourceChange;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudformation.StackGroupDeployer;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.aws.s3.S3Sync;
import io.tierlift.aws.s3.SyncResult;
import io.tierlift.aws.s3.UploadedFile;
import io.tierlift.aws.testing.LocalAws;
import io.tierlift.aws.testing.MotoServer;
import io.tierlift.aws.testing.RecordingProgress;
import io.tierlift.plan.Action;
import io.tierlift.plan.PlannedChange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stateful flows against moto_server, which really runs change sets: deploy, redeploy unchanged,
 * update a parameter, delete; a two-stack group wired by outputs; and a static site sync.
 */
@Tag("moto")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MotoEndToEndTest {
    private static MotoServer moto;

    private AwsClients clients;
    private StackDeployer deployer;
    private final RecordingProgress progress = new RecordingProgress();

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void connect() throws IOException {
        moto.reset();
        clients = LocalAws.clients(moto.endpoint(), 2);
        deployer = new StackDeployer(clients::cloudFormation,
                DeployerSettings.defaults().withPollInterval(Duration.ofMillis(20))
                        .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60)),
                progress, d -> Thread.sleep(d.toMillis()), Clock.systemUTC());
    }

    @AfterEach
    void disconnect() {
        clients.close();
    }

    private static String template(String name) throws IOException {
        try (InputStream in = MotoEndToEndTest.class.getResourceAsStream("moto/" + name)) {
            assertThat(in).as("test resource moto/" + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static StackRequest network(String env) throws IOException {
        return new StackRequest("tierlift-net", LocalAws.REGION, template("network.template.json"),
                Map.of("Env", env, "VpcCidr", "10.20.0.0/16"), Map.of("app", "notes"), false, Set.of());
    }

    @Test
    void deployRedeployUpdateDelete() throws IOException {
        ChangeSetPlan created = deployer.plan(network("staging"));
        assertThat(created.kind()).isEqualTo(ChangeSetPlan.ChangeSetKind.CREATE);
        assertThat(created.changes()).extracting(ResourceChange::logicalId)
                .containsExactlyInAnyOrder("Vpc", "Subnet", "Bucket", "EnvParameter");
        assertThat(new PlannedChangeMapper().map(created)).extracting(PlannedChange::action).containsOnly(Action.CREATE);

        DeployResult first = deployer.execute(created);

        assertThat(first.status()).isEqualTo("CREATE_COMPLETE");
        // Outputs are not checked here: moto never computes them for stacks made by change sets
        // (see groupPassesAnotherStacksVpcToTheAppStack for outputs read from moto).
        // moto logs stack events only, no per-resource ones.
        assertThat(progress.lines()).containsSubsequence(
                "tierlift-net: executing change set",
                "tierlift-net: CREATE_IN_PROGRESS AWS::CloudFormation::Stack tierlift-net: User Initiated",
                "tierlift-net: CREATE_COMPLETE AWS::CloudFormation::Stack tierlift-net");

        // Unchanged: recognised from the live template and parameters, before any change set
        // (moto would report a spurious Modify of the bucket for an identical template).
        ChangeSetPlan again = deployer.plan(network("staging"));
        assertThat(again.noChanges()).isTrue();
        DeployResult unchanged = deployer.execute(again);
        assertThat(unchanged.changed()).isFalse();

        // A template change to one resource is listed as that resource's Modify.
        StackRequest described = withTemplate(network("staging"), network("staging").templateBody()
                .replace("\"Type\": \"String\", \"Value\"", "\"Type\": \"String\", \"Description\": \"env v2\", \"Value\""));
        ChangeSetPlan templateChange = deployer.plan(described);
        assertThat(templateChange.changes()).filteredOn(c -> c.logicalId().equals("EnvParameter"))
                .extracting(ResourceChange::action).containsExactly(ChangeAction.MODIFY);
        assertThat(new PlannedChangeMapper().map(templateChange)).filteredOn(c -> c.address().equals("tierlift-net/EnvParameter"))
                .extracting(PlannedChange::action).containsExactly(Action.UPDATE);
        assertThat(deployer.execute(templateChange).status()).isEqualTo("UPDATE_COMPLETE");
        assertThat(deployer.plan(described).noChanges()).isTrue();

        // A parameter change. moto's change set can't tell which resource it touches (it lists
        // Modify entries of its own choosing) and keeps reporting the old stack parameters, but it
        // applies the new value to the resource.
        StackRequest prod = withParameters(described, Map.of("Env", "prod", "VpcCidr", "10.20.0.0/16"));
        ChangeSetPlan parameterChange = deployer.plan(prod);
        assertThat(parameterChange.noChanges()).isFalse();
        assertThat(parameterChange.kind()).isEqualTo(ChangeSetPlan.ChangeSetKind.UPDATE);
        assertThat(parameterChange.changes()).extracting(ResourceChange::action).containsOnly(ChangeAction.MODIFY);
        assertThat(deployer.execute(parameterChange).status()).isEqualTo("UPDATE_COMPLETE");
        assertThat(ssmParameter("/tierlift-test/env")).isEqualTo("prod");

        assertThat(deployer.deleteStack("tierlift-net", LocalAws.REGION)).isTrue();
        assertThat(progress.lines()).contains("tierlift-net: DELETE_COMPLETE AWS::CloudFormation::Stack tierlift-net");
        assertThat(deployer.status("tierlift-net", LocalAws.REGION)).isEmpty();
        assertThat(deployer.deleteStack("tierlift-net", LocalAws.REGION)).isFalse();
    }

    @Test
    void planOnlyLeavesNoStackBehind() throws IOException {
        ChangeSetPlan plan = deployer.planOnly(network("staging"));

        assertThat(plan.changes()).hasSize(4);
        assertThat(plan.executable()).isFalse();
        assertThat(deployer.status("tierlift-net", LocalAws.REGION)).isEmpty();
    }

    /**
     * moto computes outputs only for stacks made with CreateStack/UpdateStack, never after a change
     * set runs, so the network stack is made directly here and the group reads it as a stack
     * outside the group (the in-group hand-over is covered against WireMock).
     */
    @Test
    void groupPassesAnotherStacksVpcToTheAppStack() throws IOException {
        StackRequest net = network("staging");
        clients.cloudFormation(LocalAws.REGION).createStack(b -> b.stackName(net.stackName()).templateBody(net.templateBody())
                .parameters(net.parameters().entrySet().stream().map(e -> software.amazon.awssdk.services.cloudformation.model
                        .Parameter.builder().parameterKey(e.getKey()).parameterValue(e.getValue()).build()).toList()));
        String vpc = deployer.status(net.stackName(), LocalAws.REGION).orElseThrow().outputs().get("VpcId");
        assertThat(vpc).startsWith("vpc-");
        StackRequest app = new StackRequest("tierlift-app", LocalAws.REGION, template("app.template.json"), Map.of(),
                Map.of("app", "notes"), false, Set.of(), Map.of("VpcId", new OutputRef("tierlift-net", "VpcId")));
        StackGroupDeployer group = new StackGroupDeployer(deployer);

        Map<String, DeployResult> results = group.deployAll(List.of(app));

        assertThat(results.get("tierlift-app").status()).isEqualTo("CREATE_COMPLETE");
        assertThat(deployer.status("tierlift-app", LocalAws.REGION).orElseThrow().parameters()).containsEntry("VpcId", vpc);
        assertThat(group.deployAll(List.of(app)).get("tierlift-app").changed()).isFalse();
        assertThat(group.deleteAll(List.of(app, net))).containsExactly("tierlift-app", "tierlift-net");
    }

    @Test
    void staticSiteSyncSendsOnlyWhatChangedAndDeletesStaleObjectsOnRequest(@TempDir Path build) throws IOException {
        S3Client s3 = clients.s3(LocalAws.REGION);
        s3.createBucket(b -> b.bucket("tierlift-site"));
        Files.createDirectories(build.resolve("assets"));
        Files.writeString(build.resolve("index.html"), "<!doctype html><script src=/assets/app-1.js></script>");
        Files.writeString(build.resolve("assets/app-1.js"), "console.log(1)");
        Files.writeString(build.resolve("robots.txt"), "User-agent: *");
        S3Sync sync = new S3Sync(s3, progress);

        SyncResult first = sync.sync(build, "tierlift-site", "");
        SyncResult second = sync.sync(build, "tierlift-site", "");
        Files.delete(build.resolve("assets/app-1.js"));
        Files.writeString(build.resolve("assets/app-2.js"), "console.log(2)");
        Files.writeString(build.resolve("index.html"), "<!doctype html><script src=/assets/app-2.js></script>");
        SyncResult third = sync.sync(build, "tierlift-site", "");

        assertThat(first.uploaded()).hasSize(3);
        assertThat(second.uploaded()).isEmpty();
        assertThat(second.uploadedBytes()).isZero();
        assertThat(second.unchanged()).isEqualTo(3);
        assertThat(third.uploaded()).extracting(UploadedFile::path).containsExactly("assets/app-2.js", "index.html");
        assertThat(third.staleKeys()).containsExactly("assets/app-1.js");
        assertThat(third.invalidationPaths()).containsExactly("/", "/index.html");

        HeadObjectResponse index = s3.headObject(b -> b.bucket("tierlift-site").key("index.html"));
        assertThat(index.contentType()).isEqualToIgnoringCase("text/html; charset=utf-8");
        assertThat(index.cacheControl()).isEqualTo("no-cache");
        assertThat(index.metadata()).containsKey("sha256");
        HeadObjectResponse asset = s3.headObject(b -> b.bucket("tierlift-site").key("assets/app-2.js"));
        assertThat(asset.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("tierlift-site").key("index.html")).asUtf8String())
                .contains("app-2.js");

        assertThat(sync.deleteStale("tierlift-site", third.staleKeys())).isEqualTo(1);
        assertThat(s3.listObjectsV2(b -> b.bucket("tierlift-site")).contents()).extracting(o -> o.key())
                .containsExactlyInAnyOrder("assets/app-2.js", "index.html", "robots.txt");
        assertThat(sync.sync(build, "tierlift-site", "").staleKeys()).isEmpty();
    }

    private static StackRequest withParameters(StackRequest request, Map<String, String> parameters) {
        return new StackRequest(request.stackName(), request.region(), request.templateBody(), parameters, request.tags(),
                request.terminationProtection(), request.capabilities());
    }

    /** Reads an SSM parameter from moto over its JSON protocol (the test needs no SSM client for one call). */
    private static String ssmParameter(String name) throws IOException {
        java.net.HttpURLConnection connection = (java.net.HttpURLConnection) moto.endpoint().toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setConnectTimeout(2000);
        connection.setReadTimeout(10000);
        connection.setRequestProperty("Content-Type", "application/x-amz-json-1.1");
        connection.setRequestProperty("X-Amz-Target", "AmazonSSM.GetParameter");
        connection.setRequestProperty("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/" + LocalAws.REGION
                + "/ssm/aws4_request, SignedHeaders=host, Signature=0");
        connection.getOutputStream().write(("{\"Name\": \"" + name + "\"}").getBytes(StandardCharsets.UTF_8));
        String body = new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        var value = java.util.regex.Pattern.compile("\"Value\": ?\"([^\"]*)\"").matcher(body);
        assertThat(value.find()).as("SSM answer " + body).isTrue();
        return value.group(1);
    }

    private static StackRequest withTemplate(StackRequest request, String template) {
        assertThat(template).isNotEqualTo(request.templateBody());
        return new StackRequest(request.stackName(), request.region(), template, request.parameters(), request.tags(),
                request.terminationProtection(), request.capabilities());
    }
}

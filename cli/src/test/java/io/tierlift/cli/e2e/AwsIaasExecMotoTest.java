package io.tierlift.cli.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code exec aws-iaas} from the command line: the stacks deployed on moto_server, the command sent
 * through SSM Run Command to an instance of the group the compute stack made (read back from moto),
 * and the command's output, exit code and cut output as tierlift prints them, from GetCommandInvocation
 * answers shaped as AWS documents them (WireMock in front of moto: moto's invocation always succeeds
 * with no output).
 */
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AwsIaasExecMotoTest {
    private static final String REGION = "eu-west-1";
    private static final String COMPUTE_STACK = "notes-default-iaas-compute";
    private static final String COMMAND_ID = "7c2d9a10-5e4f-4b3a-8d21-0123456789ab";

    private final Function<TierContext, TierRegistry> tiers = MotoApp.tiersWithoutSsh("aws-iaas", MotoApp.releaseSucceeding(""));
    private MotoShim moto;
    private WireMockServer ssmStandIn;
    private Path root;
    private Path descriptor;
    private Map<String, String> env;
    private CloudFormationClient cfn;
    private AutoScalingClient autoScaling;
    private SsmClient ssm;

    @BeforeAll
    void start() throws Exception {
        moto = MotoShim.start();
        ssmStandIn = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        ssmStandIn.start();
        root = Files.createTempDirectory("tierlift-aws-iaas-exec-");
        Path app = MotoApp.copyExample(root.resolve("app"), MotoApp.NO_DEPENDENCIES);
        descriptor = app.resolve("app.yaml");
        Files.writeString(descriptor, MotoApp.exampleDescriptorWithoutAcm());
        env = MotoApp.env(moto, REGION, Files.createDirectories(root.resolve("home")), Map.of(
                "NOTES_DB_PASSWORD", "iaas-exec-db-" + System.nanoTime(), "NOTES_REPLICATION_PASSWORD", "iaas-exec-repl",
                "PATH", System.getenv("PATH"), "USER", "iaas-operator"));
        cfn = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), REGION);
        autoScaling = MotoClients.of(AutoScalingClient.builder(), moto.endpoint(), REGION);
        ssm = MotoClients.of(SsmClient.builder(), moto.endpoint(), REGION);
    }

    @AfterAll
    void stop() throws IOException {
        if (ssmStandIn != null) {
            ssmStandIn.stop();
        }
        MotoClients.closeAll(moto, root, cfn, autoScaling, ssm);
    }

    @Test
    @Order(1)
    void beforeADeployThereIsNoInstanceToRunOn() {
        Cli cli = tierlift(env, "--", "flask", "routes");
        assertThat(cli.exitCode()).as(cli.all()).isEqualTo(1);
        assertThat(cli.err()).contains("aws-iaas is not deployed").contains("deploy it first (tierlift deploy aws-iaas)");
        assertThat(ssm.listCommands(b -> { }).commands()).isEmpty();
    }

    @Test
    @Order(2)
    void theCommandGoesThroughRunCommandToAnInstanceOfTheAppsGroupRecordingWhoRanWhat() {
        Cli deploy = Cli.run(tiers, env, "deploy", "aws-iaas", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + moto.log()).isZero();

        Cli cli = tierlift(env, "--", "python", "-c", "import os; print(os.environ['DATABASE_URL'] != '')");

        assertThat(cli.exitCode()).as(cli.all()).isZero();
        List<String> instances = groupInstances();
        List<Command> sent = ssm.listCommands(b -> { }).commands();
        assertThat(sent).hasSize(1);
        Command command = sent.get(0);
        assertThat(command.documentName()).isEqualTo("AWS-RunShellScript");
        assertThat(command.comment()).isEqualTo("tierlift exec by iaas-operator as arn:aws:sts::123456789012:user/moto");
        String script = command.parameters().get("commands").get(0);
        assertThat(script).contains("/usr/local/libexec/notes-start")
                .contains(" operator=iaas-operator instance=" + instances.get(0) + " command=python -c ")
                .endsWith(" python -c 'import os; print(os.environ['\\''DATABASE_URL'\\''] != '\\'''\\'')'");
    }

    @Test
    @Order(3)
    void theRemoteExitCodeAndOutputAreTierliftsAndCutOutputIsSaid() {
        stubSendCommand();
        stubInvocation("Failed", 3, "partial\n", "Traceback: boom\n");
        Cli failed = tierlift(ssmOnStandIn(), "--", "python", "-m", "notes.migrate");
        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(3);
        assertThat(failed.out()).isEqualTo("partial\n");
        assertThat(failed.err()).isEqualTo("Traceback: boom\n");

        ssmStandIn.resetMappings();
        stubSendCommand();
        stubInvocation("Success", 0, "x".repeat(24_000), "");
        Cli cut = tierlift(ssmOnStandIn(), "--", "python", "-c", "print('x' * 30000)");
        assertThat(cut.exitCode()).as(cut.all()).isZero();
        assertThat(cut.out()).hasSize(24_000);
        assertThat(cut.err()).contains("SSM Run Command returns at most 24,000 characters of a command's standard output")
                .contains("CloudWatch Logs group /tierlift/notes-default-iaas/app, stream " + COMMAND_ID + "/" + groupInstances().get(0)
                        + "/aws-runShellScript/stdout");
    }

    @Test
    @Order(4)
    void aHostOutsideTheGroupIsRefusedAndNothingIsSent() {
        int before = ssm.listCommands(b -> { }).commands().size();
        Cli cli = tierlift(env, "--host", "i-0123456789abcdef0", "--", "flask", "routes");
        assertThat(cli.exitCode()).as(cli.all()).isEqualTo(1);
        assertThat(cli.err()).contains("--host i-0123456789abcdef0 is not an InService instance of Auto Scaling group")
                .contains("nothing was run");
        assertThat(ssm.listCommands(b -> { }).commands()).hasSize(before);
    }

    // --- helpers ---

    private Cli tierlift(Map<String, String> environment, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("exec", "aws-iaas", "-f", descriptor.toString()));
        all.addAll(List.of(args));
        return Cli.withInput(tiers, environment, new byte[0], all.toArray(String[]::new));
    }

    /**
     * The same account through the stand-in: it answers Systems Manager's two calls itself and passes
     * every other request on to moto (the SDK takes a per-service endpoint only from the process's own
     * environment, so the whole endpoint moves).
     */
    private Map<String, String> ssmOnStandIn() {
        ssmStandIn.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(moto.endpoint().toString())));
        Map<String, String> withStandIn = new HashMap<>(env);
        withStandIn.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + ssmStandIn.port());
        return withStandIn;
    }

    private List<String> groupInstances() {
        String group = cfn.describeStacks(b -> b.stackName(COMPUTE_STACK)).stacks().get(0).outputs().stream()
                .filter(o -> o.outputKey().equals("AutoScalingGroupName")).findFirst().orElseThrow().outputValue();
        return autoScaling.describeAutoScalingGroups(b -> b.autoScalingGroupNames(group)).autoScalingGroups().get(0).instances().stream()
                .filter(i -> "InService".equals(i.lifecycleStateAsString())).map(i -> i.instanceId()).sorted().toList();
    }

    private void stubSendCommand() {
        ssmStandIn.stubFor(post(urlEqualTo("/")).atPriority(1).withHeader("X-Amz-Target", equalTo("AmazonSSM.SendCommand"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"Command\":{\"CommandId\":\"" + COMMAND_ID + "\",\"DocumentName\":\"AWS-RunShellScript\","
                                + "\"Status\":\"Pending\"}}")));
    }

    /** GetCommandInvocation's answer for a command that ended, as AWS documents it. */
    private void stubInvocation(String status, int code, String stdout, String stderrAfterRecord) {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        json.put("CommandId", COMMAND_ID);
        json.put("InstanceId", groupInstances().get(0));
        json.put("DocumentName", "AWS-RunShellScript");
        json.put("PluginName", "aws:runShellScript");
        json.put("ResponseCode", code);
        json.put("Status", status);
        json.put("StatusDetails", status);
        json.put("StandardOutputContent", stdout);
        // The record line the script writes first; the exact one is SsmExecTest's.
        json.put("StandardErrorContent", stderrAfterRecord);
        json.putObject("CloudWatchOutputConfig").put("CloudWatchLogGroupName", "/tierlift/notes-default-iaas/app")
                .put("CloudWatchOutputEnabled", true);
        ssmStandIn.stubFor(post(urlEqualTo("/")).atPriority(1).withHeader("X-Amz-Target", equalTo("AmazonSSM.GetCommandInvocation"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1").withBody(json.toString())));
    }
}

package io.tierlift.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.testing.LocalAws;
import io.tierlift.aws.testing.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.model.Command;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * aws-iaas exec through SSM Run Command. The Auto Scaling group, STS and (where it is enough)
 * Systems Manager are moto's; GetCommandInvocation's answers that moto never gives (output, a
 * failed command's code, InvocationDoesNotExist right after SendCommand, a command still running,
 * cut output, a timeout) come from WireMock, shaped as AWS documents them.
 */
@Tag("moto")
class SsmExecTest {
    private static final String GROUP = "notes-prod-app";
    private static final String LOG_GROUP = "/tierlift/notes-prod/app";
    private static final String CALLER = "arn:aws:sts::123456789012:user/moto";
    private static final String COMMAND_ID = "4b7e31b2-7d1a-4b86-9a5c-0123456789ab";
    private static final List<String> COMMAND = List.of("python", "-c", "import os; print(os.environ[\"DATABASE_URL\"] != \"\")");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static MotoServer moto;
    private static AwsClients motoClients;
    private WireMockServer wireMock;
    private AwsClients wireMockClients;
    private List<String> inService;
    private final List<Duration> sleeps = new ArrayList<>();
    private Instant now = Instant.parse("2026-12-08T02:30:00Z");

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
        motoClients = LocalAws.clients(moto.endpoint(), 1);
    }

    @AfterAll
    static void stopMoto() {
        if (motoClients != null) {
            motoClients.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void groupOfTwoInstances() throws Exception {
        moto.reset();
        var asg = motoClients.autoScaling(LocalAws.REGION);
        asg.createLaunchConfiguration(b -> b.launchConfigurationName("notes-app").imageId("ami-12c6146b").instanceType("t3.micro"));
        asg.createAutoScalingGroup(b -> b.autoScalingGroupName(GROUP).launchConfigurationName("notes-app").minSize(2).maxSize(2)
                .desiredCapacity(2).availabilityZones(LocalAws.REGION + "a"));
        inService = asg.describeAutoScalingGroups(b -> b.autoScalingGroupNames(GROUP)).autoScalingGroups().get(0).instances().stream()
                .filter(i -> "InService".equals(i.lifecycleStateAsString())).map(i -> i.instanceId()).sorted().toList();
        assertThat(inService).as("moto's group has two InService instances").hasSize(2);
        wireMock = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
        wireMockClients = LocalAws.clients(java.net.URI.create("http://127.0.0.1:" + wireMock.port()), 1);
    }

    @AfterEach
    void stopWireMock() {
        if (wireMockClients != null) {
            wireMockClients.close();
        }
        if (wireMock != null) {
            wireMock.stop();
        }
    }

    // ------------------------------------------------------------------ moto

    @Test
    void sendsTheQuotedCommandToTheGroupsFirstInServiceInstanceAsARunShellScriptThatRecordsWhoWhenAndWhat() throws Exception {
        SsmExec.Result result = exec(motoClients).run(target(Optional.empty()), "alice", COMMAND);

        assertThat(result.instanceId()).isEqualTo(inService.get(0));
        assertThat(result.exitCode()).isZero();
        List<Command> sent = motoClients.ssm(LocalAws.REGION).listCommands(b -> b.commandId(result.commandId())).commands();
        assertThat(sent).hasSize(1);
        Command command = sent.get(0);
        assertThat(command.documentName()).isEqualTo("AWS-RunShellScript");
        // moto lists every instance it knows beside the one sent (it takes an absent Targets as "all"); the request's own
        // InstanceIds are checked on WireMock below.
        assertThat(command.instanceIds()).contains(inService.get(0));
        assertThat(command.comment()).isEqualTo("tierlift exec by alice as " + CALLER);
        assertThat(command.parameters().get("executionTimeout")).containsExactly("1800");
        // A real shell reads the one line back into the words tierlift meant, the operator's command last and unchanged.
        List<String> words = shellWordsOf(command);
        assertThat(words.subList(0, 2)).containsExactly("sh", "-c");
        assertThat(words.subList(3, 8)).containsExactly("tierlift", "/etc/notes/boot.env", "notes", "/srv/notes/venv/bin/python",
                "/usr/local/libexec/notes-start");
        assertThat(words.subList(9, words.size())).isEqualTo(COMMAND);
        assertThat(words.get(8)).isEqualTo("tierlift exec at=2026-12-08T02:30:00Z by=" + CALLER + " operator=alice instance="
                + inService.get(0) + " command=python -c 'import os; print(os.environ[\"DATABASE_URL\"] != \"\")'");
        assertThat(words.get(2)).contains("runuser -u \"$user\" -- \"$python\" \"$launcher\" exec -- \"$@\"");
    }

    @Test
    void runsOnTheInstanceNamedByHostWhenItIsInServiceInTheGroup() throws Exception {
        SsmExec.Result result = exec(motoClients).run(target(Optional.of(inService.get(1))), "alice", COMMAND);
        assertThat(result.instanceId()).isEqualTo(inService.get(1));
        List<String> words = shellWordsOf(motoClients.ssm(LocalAws.REGION).listCommands(b -> b.commandId(result.commandId())).commands()
                .get(0));
        assertThat(words.get(8)).contains(" instance=" + inService.get(1) + " ");
    }

    @Test
    void refusesAHostThatIsNotAnInstanceOfTheGroupAndRunsNothing() {
        assertThatThrownBy(() -> exec(motoClients).run(target(Optional.of("i-0123456789abcdef0")), "alice", COMMAND))
                .isInstanceOf(IaasDeployException.class)
                .hasMessage("--host i-0123456789abcdef0 is not an InService instance of Auto Scaling group " + GROUP
                        + " (its InService instances: " + String.join(", ", inService) + "); nothing was run");
        assertThatThrownBy(() -> exec(motoClients).run(target(Optional.of("app1.example.com")), "alice", COMMAND))
                .isInstanceOf(IaasDeployException.class)
                .hasMessageStartingWith("--host app1.example.com is not an EC2 instance id");
        assertThat(motoClients.ssm(LocalAws.REGION).listCommands(b -> { }).commands()).as("nothing sent").isEmpty();
    }

    @Test
    void refusesAGroupThatDoesNotExist() {
        SsmExec.Target missing = new SsmExec.Target("notes", LocalAws.REGION, "notes-prod-gone", LOG_GROUP, Optional.empty());
        assertThatThrownBy(() -> exec(motoClients).run(missing, "alice", COMMAND))
                .hasMessage("Auto Scaling group notes-prod-gone does not exist in us-east-1: deploy aws-iaas first (tierlift deploy aws-iaas)");
    }

    // ------------------------------------------------------------------ WireMock (what moto's GetCommandInvocation lacks)

    @Test
    void printsWhatTheCommandWroteWithoutTheRecordLineAndSendsTheOutputToTheAppsLogGroup() throws Exception {
        stubSendCommand();
        stubInvocation(invocation("Success", "Success", 0, "True\n", recordLine() + "a warning\n"));

        SsmExec.Result result = exec(ssmOnWireMock()).run(target(Optional.empty()), "alice", COMMAND);

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("True\n");
        assertThat(result.stderr()).as("the record is for the log group").isEqualTo("a warning\n");
        assertThat(result.stdoutCut()).isFalse();
        JsonNode send = JSON.readTree(wireMock.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AmazonSSM.SendCommand"))).get(0).getBodyAsString());
        assertThat(send.path("CloudWatchOutputConfig").path("CloudWatchOutputEnabled").asBoolean()).isTrue();
        assertThat(send.path("CloudWatchOutputConfig").path("CloudWatchLogGroupName").asText()).isEqualTo(LOG_GROUP);
        assertThat(send.path("DocumentName").asText()).isEqualTo("AWS-RunShellScript");
        assertThat(send.path("InstanceIds").toString()).isEqualTo("[\"" + inService.get(0) + "\"]");
    }

    @Test
    void aFailedCommandsResponseCodeIsTheExitCode() {
        stubSendCommand();
        stubInvocation(invocation("Failed", "Failed", 3, "partial\n", recordLine() + "Traceback: boom\n"));

        SsmExec.Result result = exec(ssmOnWireMock()).run(target(Optional.empty()), "alice", COMMAND);

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("partial\n");
        assertThat(result.stderr()).isEqualTo("Traceback: boom\n");
    }

    @Test
    void waitsOutInvocationDoesNotExistRightAfterSendCommandThenAnInvocationInProgress() {
        stubSendCommand();
        wireMock.stubFor(getInvocation().inScenario("poll").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"__type\":\"InvocationDoesNotExist\",\"message\":\"\"}"))
                .willSetStateTo("listed"));
        wireMock.stubFor(getInvocation().inScenario("poll").whenScenarioStateIs("listed")
                .willReturn(json(invocation("InProgress", "InProgress", -1, "", ""))).willSetStateTo("done"));
        wireMock.stubFor(getInvocation().inScenario("poll").whenScenarioStateIs("done")
                .willReturn(json(invocation("Success", "Success", 0, "True\n", recordLine()))));

        SsmExec.Result result = exec(ssmOnWireMock()).run(target(Optional.empty()), "alice", COMMAND);

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("True\n");
        assertThat(wireMock.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AmazonSSM.GetCommandInvocation")))).hasSize(3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(10), Duration.ofMillis(10));
    }

    @Test
    void outputOfTwentyFourThousandCharactersIsKnownAsCutAndNamesTheLogStreamWithTheWhole() {
        stubSendCommand();
        stubInvocation(invocation("Success", "Success", 0, "x".repeat(SsmExec.STDOUT_LIMIT), recordLine()));

        SsmExec.Result result = exec(ssmOnWireMock()).run(target(Optional.empty()), "alice", COMMAND);

        assertThat(result.stdoutCut()).isTrue();
        assertThat(result.stderrCut()).isFalse();
        assertThat(result.logStream("stdout")).isEqualTo(COMMAND_ID + "/" + inService.get(0) + "/aws-runShellScript/stdout");
    }

    @Test
    void aTimedOutOrCancelledCommandIsAClearErrorNotAnExitCode() {
        stubSendCommand();
        stubInvocation(invocation("TimedOut", "ExecutionTimedOut", -1, "", ""));
        assertThatThrownBy(() -> exec(ssmOnWireMock()).run(target(Optional.empty()), "alice", COMMAND))
                .isInstanceOf(IaasDeployException.class)
                .hasMessageContaining("ended with status TimedOut (ExecutionTimedOut) (command " + COMMAND_ID + ")")
                .hasMessageContaining("Run Command stops a command after 1800 s")
                .hasMessageContaining("log group " + LOG_GROUP);
        wireMock.resetMappings();
        stubSendCommand();
        stubInvocation(invocation("Cancelled", "Cancelled", -1, "", ""));
        assertThatThrownBy(() -> exec(ssmOnWireMock()).run(target(Optional.empty()), "alice", COMMAND))
                .hasMessageContaining("ended with status Cancelled").hasMessageContaining("someone cancelled it");
    }

    @Test
    void stopsWaitingAfterTheExecutionTimeoutAndSaysHowToLookLater() {
        stubSendCommand();
        stubInvocation(invocation("InProgress", "InProgress", -1, "", ""));
        assertThatThrownBy(() -> exec(ssmOnWireMock()).run(target(Optional.empty()), "alice", COMMAND))
                .isInstanceOf(IaasDeployException.class)
                .hasMessage("exec on " + inService.get(0) + ": command " + COMMAND_ID + " still InProgress after 1920 s; tierlift "
                        + "stopped waiting (the command may still run: aws ssm get-command-invocation --command-id " + COMMAND_ID
                        + " --instance-id " + inService.get(0) + ")");
    }

    // ------------------------------------------------------------------ helpers

    private SsmExec exec(AwsClients ssmClients) {
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return new SsmExec(ssmClients::ssm, motoClients::autoScaling, motoClients::sts, duration -> {
            sleeps.add(duration);
            now = now.plus(Duration.ofSeconds(30));
        }, clock, Duration.ofMillis(10), Duration.ofMinutes(30));
    }

    private AwsClients ssmOnWireMock() {
        return wireMockClients;
    }

    private static SsmExec.Target target(Optional<String> host) {
        return new SsmExec.Target("notes", LocalAws.REGION, GROUP, LOG_GROUP, host);
    }

    private String recordLine() {
        return "tierlift exec at=" + now + " by=" + CALLER + " operator=alice instance=" + inService.get(0)
                + " command=python -c 'import os; print(os.environ[\"DATABASE_URL\"] != \"\")'\n";
    }

    private static MappingBuilder getInvocation() {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.GetCommandInvocation"));
    }

    private void stubSendCommand() {
        wireMock.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.SendCommand"))
                .willReturn(json("{\"Command\":{\"CommandId\":\"" + COMMAND_ID + "\",\"DocumentName\":\"AWS-RunShellScript\","
                        + "\"InstanceIds\":[\"" + inService.get(0) + "\"],\"Status\":\"Pending\",\"StatusDetails\":\"Pending\"}}")));
    }

    private void stubInvocation(String body) {
        wireMock.stubFor(getInvocation().willReturn(json(body)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1").withBody(body);
    }

    /** GetCommandInvocation's response as AWS documents it; output is empty until the command ends. */
    private String invocation(String status, String details, int responseCode, String stdout, String stderr) {
        var node = JSON.createObjectNode();
        node.put("CommandId", COMMAND_ID);
        node.put("InstanceId", inService.get(0));
        node.put("Comment", "tierlift exec by alice as " + CALLER);
        node.put("DocumentName", "AWS-RunShellScript");
        node.put("DocumentVersion", "$DEFAULT");
        node.put("PluginName", "aws:runShellScript");
        node.put("ResponseCode", responseCode);
        node.put("ExecutionStartDateTime", "2026-12-08T02:30:01.000Z");
        node.put("ExecutionElapsedTime", "PT1.2S");
        node.put("ExecutionEndDateTime", responseCode < 0 ? "" : "2026-12-08T02:30:02.200Z");
        node.put("Status", status);
        node.put("StatusDetails", details);
        node.put("StandardOutputContent", stdout);
        node.put("StandardOutputUrl", "");
        node.put("StandardErrorContent", stderr);
        node.put("StandardErrorUrl", "");
        node.putObject("CloudWatchOutputConfig").put("CloudWatchLogGroupName", LOG_GROUP).put("CloudWatchOutputEnabled", true);
        return node.toString();
    }

    private static List<String> shellWordsOf(Command command) throws Exception {
        List<String> lines = command.parameters().get("commands");
        assertThat(lines).as("one script line").hasSize(1);
        return shellWords(lines.get(0));
    }

    /** The words a real POSIX shell makes of {@code line}, separated by NUL. */
    private static List<String> shellWords(String line) throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", "eval \"set -- $1\"; printf '%s\\0' \"$@\"", "sh", line).start();
        byte[] out = sh.getInputStream().readAllBytes();
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue()).as(new String(sh.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        String text = new String(out, StandardCharsets.UTF_8);
        return Arrays.asList(text.substring(0, text.length() - 1).split("\0", -1));
    }
}

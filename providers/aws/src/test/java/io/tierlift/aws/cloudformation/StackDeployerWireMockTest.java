package io.tierlift.aws.cloudformation;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.testing.CfnXml;
import io.tierlift.aws.testing.CfnXml.ChangeXml;
import io.tierlift.aws.testing.CfnXml.EventXml;
import io.tierlift.aws.testing.CfnXml.StackXml;
import io.tierlift.aws.testing.LocalAws;
import io.tierlift.aws.testing.RecordingProgress;
import io.tierlift.plan.Action;
import io.tierlift.plan.PlannedChange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.model.Capability;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.tierlift.aws.testing.CfnXml.createChangeSet;
import static io.tierlift.aws.testing.CfnXml.describeChangeSet;
import static io.tierlift.aws.testing.CfnXml.describeStackEvents;
import static io.tierlift.aws.testing.CfnXml.describeStacks;
import static io.tierlift.aws.testing.CfnXml.empty;
import static io.tierlift.aws.testing.CfnXml.error;
import static io.tierlift.aws.testing.CfnXml.getTemplate;
import static io.tierlift.aws.testing.CfnXml.stackMissing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The deployer against CloudFormation's wire protocol, replayed by WireMock: the sequences a real
 * deploy goes through (change set pending → ready → executed → events → complete), "no changes",
 * a failed create and the clean-up before the next one, throttling and server errors.
 */
class StackDeployerWireMockTest {
    private static final String STACK = "notes-net";
    private static final String TEMPLATE = "{\"Resources\":{\"Bucket\":{\"Type\":\"AWS::S3::Bucket\"}}}";
    private static final String STACK_TYPE = "AWS::CloudFormation::Stack";

    private WireMockServer wiremock;
    private AwsClients clients;
    private final RecordingProgress progress = new RecordingProgress();

    @BeforeEach
    void start() {
        wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        clients = LocalAws.clients(URI.create("http://127.0.0.1:" + wiremock.port()), 3);
    }

    @AfterEach
    void stop() {
        clients.close();
        wiremock.stop();
    }

    private StackDeployer deployer(DeployerSettings settings) {
        return new StackDeployer(clients::cloudFormation, settings, progress, d -> Thread.sleep(1), Clock.systemUTC());
    }

    private StackDeployer deployer() {
        return deployer(DeployerSettings.defaults().withPollInterval(Duration.ofMillis(1))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    private static StackRequest request(boolean protect) {
        return new StackRequest(STACK, LocalAws.REGION, TEMPLATE, Map.of("Env", "prod"), Map.of("app", "notes"), protect,
                Set.of(Capability.CAPABILITY_NAMED_IAM));
    }

    /** Matches a Query request for one action (not a prefix of another: DescribeStacks vs DescribeStackEvents). */
    private static MappingBuilder action(String name) {
        return post(urlEqualTo("/")).withRequestBody(matching("(.*&)?Action=" + name + "(&.*)?"));
    }

    private static RequestPatternBuilder requested(String name) {
        return postRequestedFor(urlEqualTo("/")).withRequestBody(matching("(.*&)?Action=" + name + "(&.*)?"));
    }

    private static ResponseDefinitionBuilder ok(String xml) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(xml);
    }

    private static ResponseDefinitionBuilder status(int code, String xml) {
        return aResponse().withStatus(code).withHeader("Content-Type", "text/xml").withBody(xml);
    }

    /** The actions the server saw, in the order they arrived. */
    private List<String> actions() {
        List<String> out = new ArrayList<>();
        for (ServeEvent event : wiremock.getAllServeEvents()) {
            String body = event.getRequest().getBodyAsString();
            for (String field : body.split("&")) {
                if (field.startsWith("Action=")) {
                    out.add(field.substring("Action=".length()));
                }
            }
        }
        Collections.reverse(out);
        return out;
    }

    @Test
    void createsAStackThroughAChangeSetAndStreamsItsEventsOnceInOrder() {
        // Stack lifecycle: missing → review (change set created) → executing → in progress → complete.
        wiremock.stubFor(action("DescribeStacks").inScenario("stack").whenScenarioStateIs(STARTED)
                .willReturn(status(400, stackMissing(STACK))));
        wiremock.stubFor(action("CreateChangeSet").inScenario("stack").whenScenarioStateIs(STARTED)
                .willReturn(ok(createChangeSet(STACK, "tierlift-x"))).willSetStateTo("review"));
        wiremock.stubFor(action("DescribeStackEvents").inScenario("stack").whenScenarioStateIs("review")
                .willReturn(ok(describeStackEvents(STACK, null,
                        EventXml.of("ev-0", "2026-11-21T09:35:25Z", STACK, STACK_TYPE, "REVIEW_IN_PROGRESS").because("User Initiated")))));
        wiremock.stubFor(action("ExecuteChangeSet").inScenario("stack").whenScenarioStateIs("review")
                .willReturn(ok(empty("ExecuteChangeSet"))).willSetStateTo("executing"));
        wiremock.stubFor(action("DescribeStacks").inScenario("stack").whenScenarioStateIs("executing")
                .willReturn(ok(describeStacks(StackXml.of(STACK, "CREATE_IN_PROGRESS")))).willSetStateTo("progress"));
        wiremock.stubFor(action("DescribeStackEvents").inScenario("stack").whenScenarioStateIs("progress")
                .willReturn(ok(describeStackEvents(STACK, null,
                        EventXml.of("ev-2", "2026-11-21T09:35:31Z", "Bucket", "AWS::S3::Bucket", "CREATE_IN_PROGRESS"),
                        EventXml.of("ev-1", "2026-11-21T09:35:30Z", STACK, STACK_TYPE, "CREATE_IN_PROGRESS").because("User Initiated"),
                        EventXml.of("ev-0", "2026-11-21T09:35:25Z", STACK, STACK_TYPE, "REVIEW_IN_PROGRESS")))));
        wiremock.stubFor(action("DescribeStacks").inScenario("stack").whenScenarioStateIs("progress")
                .willReturn(ok(describeStacks(StackXml.of(STACK, "CREATE_COMPLETE")
                        .withOutputs(Map.of("BucketName", "notes-site-1a2b", "VpcId", "vpc-0abc")))))
                .willSetStateTo("complete"));
        // Newest first, two pages: paging must stop at ev-2, already shown, so page 2 is never read.
        wiremock.stubFor(action("DescribeStackEvents").inScenario("stack").whenScenarioStateIs("complete")
                .withRequestBody(notContaining("NextToken"))
                .willReturn(ok(describeStackEvents(STACK, "page-2",
                        EventXml.of("ev-4", "2026-11-21T09:35:52Z", STACK, STACK_TYPE, "CREATE_COMPLETE"),
                        EventXml.of("ev-3", "2026-11-21T09:35:51Z", "Bucket", "AWS::S3::Bucket", "CREATE_COMPLETE"),
                        EventXml.of("ev-2", "2026-11-21T09:35:31Z", "Bucket", "AWS::S3::Bucket", "CREATE_IN_PROGRESS")))));
        wiremock.stubFor(action("DescribeStackEvents").inScenario("stack").whenScenarioStateIs("complete")
                .withRequestBody(containing("NextToken=page-2"))
                .willReturn(ok(describeStackEvents(STACK, null,
                        EventXml.of("ev-1", "2026-11-21T09:35:30Z", STACK, STACK_TYPE, "CREATE_IN_PROGRESS"),
                        EventXml.of("ev-0", "2026-11-21T09:35:25Z", STACK, STACK_TYPE, "REVIEW_IN_PROGRESS")))));
        wiremock.stubFor(action("UpdateTerminationProtection").willReturn(ok(CfnXml.response("UpdateTerminationProtection",
                "    <StackId>" + CfnXml.stackId(STACK) + "</StackId>"))));
        // The change set: pending first, then ready, its changes on two pages.
        wiremock.stubFor(action("DescribeChangeSet").inScenario("changeset").whenScenarioStateIs(STARTED)
                .willReturn(ok(describeChangeSet(STACK, "tierlift-x", "CREATE_PENDING", null, List.of(), null)))
                .willSetStateTo("ready"));
        wiremock.stubFor(action("DescribeChangeSet").inScenario("changeset").whenScenarioStateIs("ready")
                .withRequestBody(notContaining("NextToken"))
                .willReturn(ok(describeChangeSet(STACK, "tierlift-x", "CREATE_COMPLETE", null,
                        List.of(ChangeXml.add("Bucket", "AWS::S3::Bucket"), ChangeXml.add("Vpc", "AWS::EC2::VPC")), "cs-2"))));
        wiremock.stubFor(action("DescribeChangeSet").inScenario("changeset").whenScenarioStateIs("ready")
                .withRequestBody(containing("NextToken=cs-2"))
                .willReturn(ok(describeChangeSet(STACK, "tierlift-x", "CREATE_COMPLETE", null,
                        List.of(ChangeXml.add("Subnet", "AWS::EC2::Subnet")), null))));

        StackDeployer deployer = deployer();
        ChangeSetPlan plan = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.plan(request(true)));

        assertThat(plan.kind()).isEqualTo(ChangeSetPlan.ChangeSetKind.CREATE);
        assertThat(plan.executable()).isTrue();
        assertThat(plan.liveFingerprint()).isEqualTo("absent");
        assertThat(plan.changes()).extracting(ResourceChange::logicalId).containsExactly("Bucket", "Vpc", "Subnet");
        List<PlannedChange> planned = new PlannedChangeMapper().map(plan);
        assertThat(planned).extracting(PlannedChange::address)
                .containsExactly("notes-net/Bucket", "notes-net/Vpc", "notes-net/Subnet");
        assertThat(planned).allMatch(c -> c.action() == Action.CREATE && !c.dataLoss());

        DeployResult result = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.execute(plan));

        assertThat(result.changed()).isTrue();
        assertThat(result.status()).isEqualTo("CREATE_COMPLETE");
        assertThat(result.outputs()).containsEntry("BucketName", "notes-site-1a2b").containsEntry("VpcId", "vpc-0abc");
        List<String> eventLines = progress.lines().stream()
                .filter(l -> l.matches("notes-net: [A-Z_]+ AWS::.*")).toList();
        assertThat(eventLines).containsExactly(
                "notes-net: CREATE_IN_PROGRESS AWS::CloudFormation::Stack notes-net: User Initiated",
                "notes-net: CREATE_IN_PROGRESS AWS::S3::Bucket Bucket",
                "notes-net: CREATE_COMPLETE AWS::S3::Bucket Bucket",
                "notes-net: CREATE_COMPLETE AWS::CloudFormation::Stack notes-net");
        assertThat(progress.lines()).contains("notes-net: termination protection enabled");

        wiremock.verify(1, requested("CreateChangeSet")
                .withRequestBody(containing("ChangeSetType=CREATE"))
                .withRequestBody(matching(".*ChangeSetName=tierlift-\\d{8}-\\d{6}-\\d{3}.*"))
                .withRequestBody(containing("Capabilities.member.1=CAPABILITY_NAMED_IAM"))
                .withRequestBody(containing("Parameters.member.1.ParameterKey=Env"))
                .withRequestBody(containing("Tags.member.1.Key=app")));
        wiremock.verify(1, requested("ExecuteChangeSet"));
        wiremock.verify(1, requested("UpdateTerminationProtection").withRequestBody(containing("EnableTerminationProtection=true")));
        wiremock.verify(0, requested("DescribeStackEvents").withRequestBody(containing("NextToken")));
        wiremock.verify(1, requested("DescribeChangeSet").withRequestBody(containing("NextToken=cs-2")));
    }

    @Test
    void noChangesChangeSetIsASuccessThatExecutesNothing() {
        StackXml live = StackXml.of(STACK, "UPDATE_COMPLETE").withParameters(Map.of("Env", "staging"))
                .withTags(Map.of("app", "notes")).withOutputs(Map.of("VpcId", "vpc-0abc"));
        wiremock.stubFor(action("DescribeStacks").willReturn(ok(describeStacks(live))));
        wiremock.stubFor(action("GetTemplate").willReturn(ok(getTemplate(TEMPLATE))));
        wiremock.stubFor(action("CreateChangeSet").willReturn(ok(createChangeSet(STACK, "tierlift-x"))));
        wiremock.stubFor(action("DescribeChangeSet").willReturn(ok(describeChangeSet(STACK, "tierlift-x", "FAILED",
                "The submitted information didn't contain changes. Submit different information to create a change set.",
                List.of(), null))));
        wiremock.stubFor(action("DeleteChangeSet").willReturn(ok(empty("DeleteChangeSet"))));

        StackDeployer deployer = deployer();
        ChangeSetPlan plan = deployer.plan(request(false));
        DeployResult result = deployer.execute(plan);

        assertThat(plan.noChanges()).isTrue();
        assertThat(plan.kind()).isEqualTo(ChangeSetPlan.ChangeSetKind.UPDATE);
        assertThat(plan.changes()).isEmpty();
        assertThat(result.changed()).isFalse();
        assertThat(result.outputs()).containsEntry("VpcId", "vpc-0abc");
        wiremock.verify(1, requested("CreateChangeSet").withRequestBody(containing("ChangeSetType=UPDATE")));
        wiremock.verify(1, requested("DeleteChangeSet"));
        wiremock.verify(0, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=ExecuteChangeSet")));
    }

    @Test
    void noUpdatesReasonCountsAsNoChangesToo() {
        wiremock.stubFor(action("DescribeStacks").willReturn(ok(describeStacks(StackXml.of(STACK, "CREATE_COMPLETE")))));
        wiremock.stubFor(action("GetTemplate").willReturn(ok(getTemplate("{}"))));
        wiremock.stubFor(action("CreateChangeSet").willReturn(ok(createChangeSet(STACK, "tierlift-x"))));
        wiremock.stubFor(action("DescribeChangeSet").willReturn(ok(describeChangeSet(STACK, "tierlift-x", "FAILED",
                "No updates are to be performed.", List.of(), null))));
        wiremock.stubFor(action("DeleteChangeSet").willReturn(ok(empty("DeleteChangeSet"))));

        DeployResult result = deployer().deploy(request(false));

        assertThat(result.changed()).isFalse();
        wiremock.verify(0, requested("ExecuteChangeSet"));
    }

    @Test
    void identicalTemplateParametersAndTagsSkipTheChangeSet() {
        StackXml live = StackXml.of(STACK, "UPDATE_COMPLETE").withParameters(Map.of("Env", "prod"))
                .withTags(Map.of("app", "notes")).withOutputs(Map.of("VpcId", "vpc-0abc"));
        wiremock.stubFor(action("DescribeStacks").willReturn(ok(describeStacks(live))));
        wiremock.stubFor(action("GetTemplate").willReturn(ok(getTemplate(TEMPLATE))));

        DeployResult result = deployer().deploy(request(false));

        assertThat(result.changed()).isFalse();
        assertThat(result.outputs()).containsEntry("VpcId", "vpc-0abc");
        wiremock.verify(1, requested("GetTemplate").withRequestBody(containing("TemplateStage=Original")));
        wiremock.verify(0, requested("CreateChangeSet"));
        wiremock.verify(0, requested("ExecuteChangeSet"));
    }

    @Test
    void failedCreateNamesTheRootCauseAndTheNextDeployDeletesTheRolledBackStackFirst() {
        String bucket = "AWS::S3::Bucket";
        String param = "AWS::SSM::Parameter";
        wiremock.stubFor(action("DescribeStacks").inScenario("stack").whenScenarioStateIs(STARTED)
                .willReturn(status(400, stackMissing(STACK))));
        wiremock.stubFor(action("CreateChangeSet").inScenario("stack").whenScenarioStateIs(STARTED)
                .willReturn(ok(createChangeSet(STACK, "tierlift-x"))).willSetStateTo("review"));
        wiremock.stubFor(action("DescribeChangeSet").willReturn(ok(describeChangeSet(STACK, "tierlift-x", "CREATE_COMPLETE",
                null, List.of(ChangeXml.add("Bucket", bucket), ChangeXml.add("Param", param)), null))));
        wiremock.stubFor(action("DescribeStackEvents").inScenario("stack").whenScenarioStateIs("review")
                .willReturn(ok(describeStackEvents(STACK, null,
                        EventXml.of("ev-0", "2026-11-21T09:35:25Z", STACK, STACK_TYPE, "REVIEW_IN_PROGRESS")))));
        wiremock.stubFor(action("ExecuteChangeSet").inScenario("stack").whenScenarioStateIs("review")
                .willReturn(ok(empty("ExecuteChangeSet"))).willSetStateTo("failing"));
        wiremock.stubFor(action("DescribeStacks").inScenario("stack").whenScenarioStateIs("failing")
                .willReturn(ok(describeStacks(StackXml.of(STACK, "ROLLBACK_COMPLETE")
                        .withReason("The following resource(s) failed to create: [Param, Bucket]. Rollback requested by user."))))
                .willSetStateTo("rolled-back"));
        EventXml[] failedCreate = {
                EventXml.of("ev-8", "2026-11-21T09:36:10Z", STACK, STACK_TYPE, "ROLLBACK_COMPLETE"),
                EventXml.of("ev-7", "2026-11-21T09:36:09Z", "Param", param, "DELETE_COMPLETE"),
                EventXml.of("ev-6", "2026-11-21T09:36:01Z", STACK, STACK_TYPE, "ROLLBACK_IN_PROGRESS")
                        .because("The following resource(s) failed to create: [Param, Bucket]. Rollback requested by user."),
                EventXml.of("ev-5", "2026-11-21T09:36:00Z", "Param", param, "CREATE_FAILED").because("Resource creation cancelled"),
                EventXml.of("ev-4", "2026-11-21T09:35:59Z", "Bucket", bucket, "CREATE_FAILED")
                        .because("notes-site already exists"),
                EventXml.of("ev-3", "2026-11-21T09:35:32Z", "Param", param, "CREATE_IN_PROGRESS"),
                EventXml.of("ev-2", "2026-11-21T09:35:31Z", "Bucket", bucket, "CREATE_IN_PROGRESS"),
                EventXml.of("ev-1", "2026-11-21T09:35:30Z", STACK, STACK_TYPE, "CREATE_IN_PROGRESS"),
                EventXml.of("ev-0", "2026-11-21T09:35:25Z", STACK, STACK_TYPE, "REVIEW_IN_PROGRESS")};
        wiremock.stubFor(action("DescribeStackEvents").inScenario("stack").whenScenarioStateIs("rolled-back")
                .willReturn(ok(describeStackEvents(STACK, null, failedCreate))));
        // Second deploy: the rolled-back stack is still there; it must go before a new create.
        wiremock.stubFor(action("DescribeStacks").inScenario("stack").whenScenarioStateIs("rolled-back")
                .willReturn(ok(describeStacks(StackXml.of(STACK, "ROLLBACK_COMPLETE")))));
        wiremock.stubFor(action("DeleteStack").inScenario("stack").whenScenarioStateIs("rolled-back")
                .willReturn(ok(empty("DeleteStack"))).willSetStateTo("deleting"));
        wiremock.stubFor(action("DescribeStacks").inScenario("stack").whenScenarioStateIs("deleting")
                .willReturn(ok(describeStacks(StackXml.of(STACK, "DELETE_IN_PROGRESS")))).willSetStateTo("deleted"));
        wiremock.stubFor(action("DescribeStackEvents").inScenario("stack").whenScenarioStateIs("deleting")
                .willReturn(ok(describeStackEvents(STACK, null, failedCreate))));
        wiremock.stubFor(action("DescribeStacks").inScenario("stack").whenScenarioStateIs("deleted")
                .willReturn(ok(describeStacks(StackXml.of(STACK, "DELETE_COMPLETE")))));
        wiremock.stubFor(action("DescribeStackEvents").inScenario("stack").whenScenarioStateIs("deleted")
                .willReturn(ok(describeStackEvents(STACK, null,
                        EventXml.of("ev-10", "2026-11-21T09:40:02Z", STACK, STACK_TYPE, "DELETE_COMPLETE"),
                        EventXml.of("ev-9", "2026-11-21T09:40:00Z", STACK, STACK_TYPE, "DELETE_IN_PROGRESS")))));
        wiremock.stubFor(action("CreateChangeSet").inScenario("stack").whenScenarioStateIs("deleted")
                .willReturn(ok(createChangeSet(STACK, "tierlift-y"))).willSetStateTo("recreated"));

        StackDeployer deployer = deployer();
        assertThatThrownBy(() -> deployer.deploy(request(false)))
                .isInstanceOfSatisfying(StackDeployException.class, e -> {
                    assertThat(e.stackName()).isEqualTo(STACK);
                    assertThat(e.stackStatus()).contains("ROLLBACK_COMPLETE");
                    assertThat(e.rootCause()).get().extracting(StackEvent::logicalId).isEqualTo("Bucket");
                })
                .hasMessage("stack notes-net failed (ROLLBACK_COMPLETE): Bucket (AWS::S3::Bucket) CREATE_FAILED: "
                        + "notes-site already exists");

        ChangeSetPlan second = deployer.plan(request(false));

        assertThat(second.kind()).isEqualTo(ChangeSetPlan.ChangeSetKind.CREATE);
        List<String> actions = actions();
        int delete = actions.lastIndexOf("DeleteStack");
        int create = actions.lastIndexOf("CreateChangeSet");
        assertThat(delete).isPositive().isLessThan(create);
        assertThat(actions.indexOf("CreateChangeSet")).isLessThan(actions.indexOf("DeleteStack"));
        wiremock.verify(1, requested("DeleteStack").withRequestBody(containing("StackName=" + "arn%3Aaws%3Acloudformation")));
        assertThat(progress.lines()).anyMatch(l -> l.contains("ROLLBACK_COMPLETE after a failed create") && l.contains("deleting it"));
        assertThat(progress.lines()).contains("notes-net: DELETE_COMPLETE AWS::CloudFormation::Stack notes-net");
    }

    @Test
    void throttledTwiceThenAnswered() {
        wiremock.stubFor(action("DescribeStacks").inScenario("throttle").whenScenarioStateIs(STARTED)
                .willReturn(status(400, error("Sender", "Throttling", "Rate exceeded"))).willSetStateTo("once"));
        wiremock.stubFor(action("DescribeStacks").inScenario("throttle").whenScenarioStateIs("once")
                .willReturn(status(400, error("Sender", "Throttling", "Rate exceeded"))).willSetStateTo("twice"));
        wiremock.stubFor(action("DescribeStacks").inScenario("throttle").whenScenarioStateIs("twice")
                .willReturn(ok(describeStacks(StackXml.of(STACK, "CREATE_COMPLETE").withOutputs(Map.of("VpcId", "vpc-1"))))));

        var live = deployer().status(STACK, LocalAws.REGION);

        assertThat(live).get().extracting(LiveStack::outputs).isEqualTo(Map.of("VpcId", "vpc-1"));
        wiremock.verify(3, requested("DescribeStacks"));
    }

    @Test
    void serverErrorsUntilRetriesRunOutEndWithAClearError() {
        wiremock.stubFor(action("DescribeStacks").willReturn(status(500,
                error("Receiver", "InternalFailure", "We encountered an internal error. Please try again."))));

        StackDeployer deployer = deployer();
        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.deploy(request(false))))
                .isInstanceOfSatisfying(AwsCallException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.statusCode()).isEqualTo(500);
                })
                .hasMessage("CloudFormation DescribeStacks failed after 3 attempts: InternalFailure: "
                        + "We encountered an internal error. Please try again.");
        wiremock.verify(3, requested("DescribeStacks"));
        wiremock.verify(0, requested("CreateChangeSet"));
    }

    @Test
    void unavailableWithoutABodyStillSaysWhatFailed() {
        wiremock.stubFor(action("DescribeStacks").willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> deployer().status(STACK, LocalAws.REGION))
                .isInstanceOf(AwsCallException.class)
                .hasMessageStartingWith("CloudFormation DescribeStacks failed after 3 attempts: ")
                .hasMessageContaining("503");
    }

    @Test
    void rejectedChangeSetIsReportedWithCloudFormationsReasonAndCleanedUp() {
        wiremock.stubFor(action("DescribeStacks").willReturn(status(400, stackMissing(STACK))));
        wiremock.stubFor(action("CreateChangeSet").willReturn(ok(createChangeSet(STACK, "tierlift-x"))));
        wiremock.stubFor(action("DescribeChangeSet").willReturn(ok(describeChangeSet(STACK, "tierlift-x", "FAILED",
                "Template format error: Unresolved resource dependencies [Vpc] in the Resources block of the template",
                List.of(), null))));
        wiremock.stubFor(action("DeleteChangeSet").willReturn(ok(empty("DeleteChangeSet"))));
        wiremock.stubFor(action("DeleteStack").willReturn(ok(empty("DeleteStack"))));

        assertThatThrownBy(() -> deployer().plan(request(false)))
                .isInstanceOf(StackDeployException.class)
                .hasMessage("stack notes-net: CloudFormation rejected the change set: Template format error: "
                        + "Unresolved resource dependencies [Vpc] in the Resources block of the template");
        wiremock.verify(1, requested("DeleteChangeSet"));
        wiremock.verify(1, requested("DeleteStack"));
        wiremock.verify(0, requested("ExecuteChangeSet"));
    }

    @Test
    void planOnlyLeavesNothingBehind() {
        wiremock.stubFor(action("DescribeStacks").willReturn(status(400, stackMissing(STACK))));
        wiremock.stubFor(action("CreateChangeSet").willReturn(ok(createChangeSet(STACK, "tierlift-x"))));
        wiremock.stubFor(action("DescribeChangeSet").willReturn(ok(describeChangeSet(STACK, "tierlift-x", "CREATE_COMPLETE",
                null, List.of(ChangeXml.add("Bucket", "AWS::S3::Bucket")), null))));
        wiremock.stubFor(action("DeleteChangeSet").willReturn(ok(empty("DeleteChangeSet"))));
        wiremock.stubFor(action("DeleteStack").willReturn(ok(empty("DeleteStack"))));

        StackDeployer deployer = deployer();
        ChangeSetPlan plan = deployer.planOnly(request(false));

        assertThat(plan.changes()).hasSize(1);
        assertThat(plan.executable()).isFalse();
        assertThat(actions()).containsExactly("DescribeStacks", "CreateChangeSet", "DescribeChangeSet", "DescribeChangeSet",
                "DeleteChangeSet", "DeleteStack");
        assertThatThrownBy(() -> deployer.execute(plan)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no change set to execute");
    }

    @Test
    void updateThatReplacesABucketIsFlaggedAsDataLoss() {
        wiremock.stubFor(action("DescribeStacks").willReturn(ok(describeStacks(StackXml.of(STACK, "UPDATE_COMPLETE")))));
        wiremock.stubFor(action("GetTemplate").willReturn(ok(getTemplate("{}"))));
        wiremock.stubFor(action("CreateChangeSet").willReturn(ok(createChangeSet(STACK, "tierlift-x"))));
        wiremock.stubFor(action("DescribeChangeSet").willReturn(ok(describeChangeSet(STACK, "tierlift-x", "CREATE_COMPLETE",
                null, List.of(ChangeXml.modify("Bucket", "AWS::S3::Bucket", "True", "BucketName"),
                        ChangeXml.modify("Param", "AWS::SSM::Parameter", "False", "Value"),
                        ChangeXml.remove("Table", "AWS::DynamoDB::Table")), null))));

        ChangeSetPlan plan = deployer().plan(request(false));
        List<PlannedChange> planned = new PlannedChangeMapper().map(plan);

        assertThat(plan.liveFingerprint()).isEqualTo(CfnXml.stackId(STACK) + "@2026-11-21T08:00:00Z");
        assertThat(planned).extracting(PlannedChange::action).containsExactly(Action.REPLACE, Action.UPDATE, Action.DELETE);
        assertThat(planned).extracting(PlannedChange::dataLoss).containsExactly(true, false, true);
        assertThat(planned.get(0).reasons()).containsExactly("Properties.BucketName changes, requires replacement");
        assertThat(planned.get(1).summary()).isEqualTo("update in place (Properties)");
    }

    @Test
    void busyStackIsRefusedWhenWaitingIsOff() {
        wiremock.stubFor(action("DescribeStacks").willReturn(ok(describeStacks(StackXml.of(STACK, "UPDATE_IN_PROGRESS")))));

        StackDeployer deployer = deployer(DeployerSettings.defaults().withPollInterval(Duration.ofMillis(1))
                .withWaitForBusyStack(false));

        assertThatThrownBy(() -> deployer.plan(request(false)))
                .isInstanceOf(StackDeployException.class)
                .hasMessage("stack notes-net is UPDATE_IN_PROGRESS: another operation is running on it; "
                        + "wait for it to end and try again");
        wiremock.verify(0, requested("CreateChangeSet"));
    }

    @Test
    void busyStackIsAwaitedThenUpdated() {
        wiremock.stubFor(action("DescribeStacks").inScenario("busy").whenScenarioStateIs(STARTED)
                .willReturn(ok(describeStacks(StackXml.of(STACK, "UPDATE_IN_PROGRESS")))).willSetStateTo("still"));
        wiremock.stubFor(action("DescribeStacks").inScenario("busy").whenScenarioStateIs("still")
                .willReturn(ok(describeStacks(StackXml.of(STACK, "UPDATE_IN_PROGRESS")))).willSetStateTo("done"));
        wiremock.stubFor(action("DescribeStacks").inScenario("busy").whenScenarioStateIs("done")
                .willReturn(ok(describeStacks(StackXml.of(STACK, "UPDATE_COMPLETE")))));
        wiremock.stubFor(action("DescribeStackEvents").willReturn(ok(describeStackEvents(STACK, null,
                EventXml.of("ev-1", "2026-11-21T09:35:30Z", STACK, STACK_TYPE, "UPDATE_IN_PROGRESS")))));
        wiremock.stubFor(action("GetTemplate").willReturn(ok(getTemplate(TEMPLATE))));
        wiremock.stubFor(action("CreateChangeSet").willReturn(ok(createChangeSet(STACK, "tierlift-x"))));
        wiremock.stubFor(action("DescribeChangeSet").willReturn(ok(describeChangeSet(STACK, "tierlift-x", "CREATE_COMPLETE",
                null, List.of(ChangeXml.modify("Param", "AWS::SSM::Parameter", "False", "Value")), null))));

        ChangeSetPlan plan = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer().plan(request(false)));

        assertThat(plan.kind()).isEqualTo(ChangeSetPlan.ChangeSetKind.UPDATE);
        assertThat(progress.lines()).contains("notes-net: stack is UPDATE_IN_PROGRESS; waiting for the running operation to end");
    }

    /** An update whose request carries a stack policy: the stack in UPDATE_COMPLETE, then the change set executed. */
    private void stubUpdate(String currentPolicyXml) {
        stubUpdate(currentPolicyXml, List.of(ChangeXml.modify("Param", "AWS::SSM::Parameter", "False", "Value")), "UPDATE_COMPLETE");
    }

    /** The same update with these changes, ending in {@code endStatus} (UPDATE_ROLLBACK_COMPLETE: it failed and was rolled back). */
    private void stubUpdate(String currentPolicyXml, List<ChangeXml> changes, String endStatus) {
        wiremock.stubFor(action("DeleteChangeSet").willReturn(ok(empty("DeleteChangeSet"))));
        wiremock.stubFor(action("DescribeStacks").inScenario("update").whenScenarioStateIs(STARTED)
                .willReturn(ok(describeStacks(StackXml.of(STACK, "UPDATE_COMPLETE")))));
        wiremock.stubFor(action("DescribeStackEvents").inScenario("update").whenScenarioStateIs(STARTED)
                .willReturn(ok(describeStackEvents(STACK, null,
                        EventXml.of("ev-1", "2026-11-21T09:35:30Z", STACK, STACK_TYPE, "UPDATE_COMPLETE")))));
        wiremock.stubFor(action("GetTemplate").willReturn(ok(getTemplate(TEMPLATE))));
        wiremock.stubFor(action("CreateChangeSet").willReturn(ok(createChangeSet(STACK, "tierlift-x"))));
        wiremock.stubFor(action("DescribeChangeSet").willReturn(ok(describeChangeSet(STACK, "tierlift-x", "CREATE_COMPLETE",
                null, changes, null))));
        wiremock.stubFor(action("GetStackPolicy").willReturn(ok(CfnXml.response("GetStackPolicy", currentPolicyXml))));
        wiremock.stubFor(action("SetStackPolicy").willReturn(ok(empty("SetStackPolicy"))));
        wiremock.stubFor(action("ExecuteChangeSet").inScenario("update").whenScenarioStateIs(STARTED)
                .willReturn(ok(empty("ExecuteChangeSet"))).willSetStateTo("executed"));
        wiremock.stubFor(action("DescribeStacks").inScenario("update").whenScenarioStateIs("executed")
                .willReturn(ok(describeStacks(StackXml.of(STACK, endStatus)))));
        EventXml end = endStatus.equals("UPDATE_COMPLETE")
                ? EventXml.of("ev-3", "2026-11-21T09:36:30Z", STACK, STACK_TYPE, "UPDATE_COMPLETE")
                : EventXml.of("ev-3", "2026-11-21T09:36:30Z", STACK, STACK_TYPE, endStatus);
        List<EventXml> events = new ArrayList<>(List.of(end));
        if (!endStatus.equals("UPDATE_COMPLETE")) {
            events.add(EventXml.of("ev-2b", "2026-11-21T09:36:10Z", "Db", "AWS::RDS::DBInstance", "UPDATE_FAILED")
                    .because("Resource handler returned message: \"DB instance class db.x9 is not supported\""));
        }
        events.add(EventXml.of("ev-2", "2026-11-21T09:36:00Z", STACK, STACK_TYPE, "UPDATE_IN_PROGRESS").because("User Initiated"));
        events.add(EventXml.of("ev-1", "2026-11-21T09:35:30Z", STACK, STACK_TYPE, "UPDATE_COMPLETE"));
        wiremock.stubFor(action("DescribeStackEvents").inScenario("update").whenScenarioStateIs("executed")
                .willReturn(ok(describeStackEvents(STACK, null, events.toArray(EventXml[]::new)))));
    }

    /** The policy bodies SetStackPolicy was sent, in order. */
    private List<String> sentPolicies() {
        List<String> out = new ArrayList<>();
        for (ServeEvent event : wiremock.getAllServeEvents()) {
            String body = event.getRequest().getBodyAsString();
            if (body.matches("(.*&)?Action=SetStackPolicy(&.*)?")) {
                for (String field : body.split("&")) {
                    if (field.startsWith("StackPolicyBody=")) {
                        out.add(java.net.URLDecoder.decode(field.substring("StackPolicyBody=".length()),
                                java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            }
        }
        Collections.reverse(out);
        return out;
    }

    private static final String POLICY = "{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
            + "\"Action\":[\"Update:Replace\",\"Update:Delete\"],\"Resource\":[\"LogicalResourceId/Db\"]}]}";
    private static final String CURRENT_POLICY = "<StackPolicyBody>" + POLICY.replace("\"", "&quot;") + "</StackPolicyBody>";
    private static final String FLAG = "--allow-database-replacement";

    private static StackRequest keepingDb(boolean consent) {
        return request(false).withStackPolicy(java.util.Optional.of(StackPolicy.keeping(POLICY, List.of("Db"))
                .withConsent(ReplacementConsent.by(FLAG, consent))));
    }

    @Test
    void aChangeSetThatWouldReplaceTheKeptDatabaseIsRefusedBeforeItRunsNamingTheFlag() {
        stubUpdate(CURRENT_POLICY, List.of(ChangeXml.modify("Db", "AWS::RDS::DBInstance", "True", "Engine"),
                ChangeXml.modify("Param", "AWS::SSM::Parameter", "False", "Value")), "UPDATE_COMPLETE");
        StackDeployer deployer = deployer();
        ChangeSetPlan plan = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.plan(keepingDb(false)));

        assertThatThrownBy(() -> deployer.execute(plan)).isInstanceOf(StackDeployException.class)
                .hasMessage("stack notes-net: the change set would replace Db (AWS::RDS::DBInstance: Properties.Engine changes, "
                        + "requires replacement), which the stack policy keeps; CloudFormation would fail the update and roll it "
                        + "back, so nothing was executed. To replace it on purpose, losing the data it holds, deploy again with "
                        + FLAG);
        wiremock.verify(0, requested("ExecuteChangeSet"));
        wiremock.verify(0, requested("SetStackPolicy"));
        wiremock.verify(1, requested("DeleteChangeSet"));
    }

    @Test
    void aChangeSetThatWouldDeleteTheKeptDatabaseIsRefusedToo() {
        stubUpdate(CURRENT_POLICY, List.of(ChangeXml.remove("Db", "AWS::RDS::DBInstance")), "UPDATE_COMPLETE");
        StackDeployer deployer = deployer();
        ChangeSetPlan plan = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.plan(request(false)
                .withStackPolicy(java.util.Optional.of(StackPolicy.keeping(POLICY, List.of("Db"))))));

        assertThatThrownBy(() -> deployer.execute(plan)).isInstanceOf(StackDeployException.class)
                .hasMessageContaining("would delete Db (AWS::RDS::DBInstance)")
                .hasMessageEndingWith("Change the descriptor so that the database is updated in place");
        wiremock.verify(0, requested("ExecuteChangeSet"));
    }

    @Test
    void withConsentThePolicyIsLiftedForThatChangeSetAloneAndSetAgainAfter() {
        stubUpdate(CURRENT_POLICY, List.of(ChangeXml.modify("Db", "AWS::RDS::DBInstance", "True", "Engine")), "UPDATE_COMPLETE");
        StackDeployer deployer = deployer();
        ChangeSetPlan plan = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.plan(keepingDb(true)));

        DeployResult result = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.execute(plan));

        assertThat(result.status()).isEqualTo("UPDATE_COMPLETE");
        assertThat(actions()).containsSubsequence("SetStackPolicy", "ExecuteChangeSet", "SetStackPolicy");
        assertThat(sentPolicies()).containsExactly(StackPolicy.ALLOW_ALL, POLICY);
        assertThat(progress.lines()).anyMatch(l -> l.contains("stack policy lifted for this change set, which will replace Db"))
                .anyMatch(l -> l.contains("stack policy restored"));
    }

    @Test
    void withConsentThePolicyIsSetAgainWhenTheUpdateFailsAndRollsBack() {
        stubUpdate(CURRENT_POLICY, List.of(ChangeXml.modify("Db", "AWS::RDS::DBInstance", "True", "Engine")),
                "UPDATE_ROLLBACK_COMPLETE");
        StackDeployer deployer = deployer();
        ChangeSetPlan plan = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.plan(keepingDb(true)));

        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.execute(plan)))
                .isInstanceOf(StackDeployException.class).hasMessageContaining("UPDATE_ROLLBACK_COMPLETE");

        assertThat(sentPolicies()).containsExactly(StackPolicy.ALLOW_ALL, POLICY);
        assertThat(actions().get(actions().size() - 1)).isEqualTo("SetStackPolicy");
    }

    @Test
    void withConsentThePolicyIsSetAgainWhenCloudFormationRefusesTheExecution() {
        stubUpdate(CURRENT_POLICY, List.of(ChangeXml.modify("Db", "AWS::RDS::DBInstance", "True", "Engine")), "UPDATE_COMPLETE");
        wiremock.stubFor(action("ExecuteChangeSet").inScenario("update").whenScenarioStateIs(STARTED)
                .willReturn(status(400, error("Sender", "InvalidChangeSetStatus",
                        "ChangeSet [tierlift-x] cannot be executed in its current status of [OBSOLETE]"))));
        StackDeployer deployer = deployer();
        ChangeSetPlan plan = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.plan(keepingDb(true)));

        assertThatThrownBy(() -> deployer.execute(plan)).hasMessageContaining("OBSOLETE");

        assertThat(sentPolicies()).containsExactly(StackPolicy.ALLOW_ALL, POLICY);
    }

    @Test
    void aChangeThatMayReplaceTheKeptDatabaseRunsUnderThePolicyWithAWarning() {
        stubUpdate(CURRENT_POLICY, List.of(ChangeXml.modify("Db", "AWS::RDS::DBInstance", "Conditional", "StorageType")),
                "UPDATE_COMPLETE");
        StackDeployer deployer = deployer();
        ChangeSetPlan plan = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.plan(keepingDb(false)));

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.execute(plan));

        wiremock.verify(0, requested("SetStackPolicy"));
        wiremock.verify(1, requested("ExecuteChangeSet"));
        assertThat(progress.lines()).anyMatch(l -> l.contains("the change set may replace Db")
                && l.contains("the stack policy fails the update and it is rolled back"));
    }

    @Test
    void anUpdateSetsTheStackPolicyBeforeItsChangeSetRunsWhenTheStackLacksIt() {
        stubUpdate("");
        StackDeployer deployer = deployer();
        ChangeSetPlan plan = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> deployer.plan(request(false).withStackPolicy(java.util.Optional.of(StackPolicy.keeping(POLICY, List.of("Db"))))));

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.execute(plan));

        assertThat(actions()).containsSubsequence("GetStackPolicy", "SetStackPolicy", "ExecuteChangeSet");
        wiremock.verify(1, requested("SetStackPolicy").withRequestBody(containing("Update%3AReplace")));
        assertThat(progress.lines()).anyMatch(l -> l.contains("stack policy set"));
    }

    @Test
    void anUpdateLeavesAPolicyThatIsAlreadyThereAlone() {
        stubUpdate("<StackPolicyBody>" + POLICY.replace("\"", "&quot;") + "</StackPolicyBody>");
        StackDeployer deployer = deployer();
        ChangeSetPlan plan = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> deployer.plan(request(false).withStackPolicy(java.util.Optional.of(StackPolicy.keeping(POLICY, List.of("Db"))))));

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.execute(plan));

        wiremock.verify(1, requested("GetStackPolicy"));
        wiremock.verify(0, requested("SetStackPolicy"));
        wiremock.verify(1, requested("ExecuteChangeSet"));
    }

    @Test
    void stackThatNeverSettlesTimesOutInsteadOfHanging() {
        wiremock.stubFor(action("DescribeStacks").willReturn(ok(describeStacks(StackXml.of(STACK, "UPDATE_IN_PROGRESS")))));
        wiremock.stubFor(action("DescribeStackEvents").willReturn(ok(describeStackEvents(STACK, null))));

        StackDeployer deployer = deployer(DeployerSettings.defaults().withPollInterval(Duration.ofMillis(5))
                .withTimeouts(Duration.ofMillis(200), Duration.ofMillis(200)));

        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(20), () -> deployer.plan(request(false))))
                .isInstanceOf(StackDeployException.class)
                .hasMessageStartingWith("stack notes-net is still UPDATE_IN_PROGRESS after 200 ms");
    }

    @Test
    void stuckRollbackIsRefusedWithWhatToDo() {
        wiremock.stubFor(action("DescribeStacks").willReturn(ok(describeStacks(StackXml.of(STACK, "UPDATE_ROLLBACK_FAILED")))));

        assertThatThrownBy(() -> deployer().plan(request(false)))
                .isInstanceOf(StackDeployException.class)
                .hasMessageContaining("continue-update-rollback --stack-name notes-net");
    }

    @Test
    void deleteRefusesAProtectedStack() {
        wiremock.stubFor(action("DescribeStacks").willReturn(ok(describeStacks(StackXml.of(STACK, "CREATE_COMPLETE").protectedStack()))));

        assertThatThrownBy(() -> deployer().deleteStack(STACK, LocalAws.REGION))
                .isInstanceOf(StackDeployException.class)
                .hasMessageContaining("termination protection on")
                .hasMessageContaining("--no-enable-termination-protection --stack-name notes-net");
        wiremock.verify(0, requested("DeleteStack"));
    }

    @Test
    void deletingAMissingStackIsANoOp() {
        wiremock.stubFor(action("DescribeStacks").willReturn(status(400, stackMissing(STACK))));

        assertThat(deployer().deleteStack(STACK, LocalAws.REGION)).isFalse();
        wiremock.verify(0, requested("DeleteStack"));
    }

    @Test
    void failedDeleteNamesTheResourceThatWouldNotGo() {
        wiremock.stubFor(action("DescribeStacks").inScenario("del").whenScenarioStateIs(STARTED)
                .willReturn(ok(describeStacks(StackXml.of(STACK, "CREATE_COMPLETE")))));
        wiremock.stubFor(action("DescribeStackEvents").inScenario("del").whenScenarioStateIs(STARTED)
                .willReturn(ok(describeStackEvents(STACK, null,
                        EventXml.of("ev-1", "2026-11-21T09:35:30Z", STACK, STACK_TYPE, "CREATE_COMPLETE")))));
        wiremock.stubFor(action("DeleteStack").inScenario("del").willReturn(ok(empty("DeleteStack"))).willSetStateTo("failed"));
        wiremock.stubFor(action("DescribeStacks").inScenario("del").whenScenarioStateIs("failed")
                .willReturn(ok(describeStacks(StackXml.of(STACK, "DELETE_FAILED")))));
        wiremock.stubFor(action("DescribeStackEvents").inScenario("del").whenScenarioStateIs("failed")
                .willReturn(ok(describeStackEvents(STACK, null,
                        EventXml.of("ev-4", "2026-11-21T09:40:09Z", STACK, STACK_TYPE, "DELETE_FAILED")
                                .because("The following resource(s) failed to delete: [Bucket]."),
                        EventXml.of("ev-3", "2026-11-21T09:40:08Z", "Bucket", "AWS::S3::Bucket", "DELETE_FAILED")
                                .because("The bucket you tried to delete is not empty"),
                        EventXml.of("ev-2", "2026-11-21T09:40:00Z", STACK, STACK_TYPE, "DELETE_IN_PROGRESS"),
                        EventXml.of("ev-1", "2026-11-21T09:35:30Z", STACK, STACK_TYPE, "CREATE_COMPLETE")))));

        assertThatThrownBy(() -> deployer().deleteStack(STACK, LocalAws.REGION))
                .isInstanceOf(StackDeployException.class)
                .hasMessage("stack notes-net failed (DELETE_FAILED): Bucket (AWS::S3::Bucket) DELETE_FAILED: "
                        + "The bucket you tried to delete is not empty");
    }

    @Test
    void groupHandsAnEarlierStacksOutputToALaterStack() {
        wiremock.stubFor(action("DescribeStacks").withRequestBody(containing("notes-net")).willReturn(ok(describeStacks(
                StackXml.of(STACK, "UPDATE_COMPLETE").withParameters(Map.of("Env", "prod")).withTags(Map.of("app", "notes"))
                        .withOutputs(Map.of("VpcId", "vpc-0abc"))))));
        wiremock.stubFor(action("GetTemplate").withRequestBody(containing("notes-net")).willReturn(ok(getTemplate(TEMPLATE))));
        wiremock.stubFor(action("DescribeStacks").withRequestBody(containing("notes-app")).willReturn(ok(describeStacks(
                StackXml.of("notes-app", "UPDATE_COMPLETE").withParameters(Map.of("VpcId", "vpc-old"))))));
        wiremock.stubFor(action("CreateChangeSet").withRequestBody(containing("notes-app"))
                .willReturn(ok(createChangeSet("notes-app", "tierlift-x"))));
        wiremock.stubFor(action("DescribeChangeSet").willReturn(ok(describeChangeSet("notes-app", "tierlift-x", "FAILED",
                "The submitted information didn't contain changes. Submit different information to create a change set.",
                List.of(), null))));
        wiremock.stubFor(action("DeleteChangeSet").willReturn(ok(empty("DeleteChangeSet"))));
        StackRequest app = new StackRequest("notes-app", LocalAws.REGION, "{}", Map.of(), Map.of(), false, Set.of(),
                Map.of("VpcId", new OutputRef(STACK, "VpcId")));

        Map<String, DeployResult> results = new StackGroupDeployer(deployer()).deployAll(List.of(app, request(false)));

        assertThat(results.keySet()).containsExactly(STACK, "notes-app");
        wiremock.verify(1, requested("CreateChangeSet")
                .withRequestBody(containing("StackName=notes-app"))
                .withRequestBody(containing("Parameters.member.1.ParameterKey=VpcId"))
                .withRequestBody(containing("Parameters.member.1.ParameterValue=vpc-0abc")));
    }

    @Test
    void planOnlyOfARolledBackStackShowsTheRecreateWithoutTouchingIt() {
        wiremock.stubFor(action("DescribeStacks").willReturn(ok(describeStacks(StackXml.of(STACK, "ROLLBACK_COMPLETE")))));

        ChangeSetPlan plan = deployer().planOnly(request(false));
        List<PlannedChange> planned = new PlannedChangeMapper().map(plan);

        assertThat(planned).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.REPLACE);
            assertThat(c.reasons()).singleElement().asString().contains("ROLLBACK_COMPLETE after a failed create");
        });
        assertThat(actions()).containsExactly("DescribeStacks");
    }
}

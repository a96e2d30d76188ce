package io.tierlift.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.cloudformation.DeployerSettings;
import io.tierlift.aws.cloudformation.ReplacementConsent;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.testing.CfnXml;
import io.tierlift.aws.testing.CfnXml.ChangeXml;
import io.tierlift.aws.testing.CfnXml.StackXml;
import io.tierlift.aws.testing.LocalAws;
import io.tierlift.aws.testing.RecordingProgress;
import io.tierlift.plan.Action;
import io.tierlift.plan.PlannedChange;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.cfn.CfnParameter;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.tierlift.render.aws.cfn.Props.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A deploy whose change set would replace the database is refused before any stack changes: AWS
 * enforces the data stack's policy only while the change set runs, failing the update and rolling
 * it back after the stacks before it were already changed. CloudFormation replayed by WireMock: a
 * network stack (no changes) and a data stack whose change set replaces its RDS instance.
 */
class StackSetDatabaseReplacementWireMockTest {
    private static final String NETWORK = "notes-net";
    private static final String DATA = "notes-data";
    private static final String VERSION = "1.2.3";

    private WireMockServer wiremock;
    private AwsClients clients;
    private final RecordingProgress progress = new RecordingProgress();
    private StackPlan plan;
    private StackSet stackSet;
    private StackDeployer stacks;

    @BeforeEach
    void start() {
        wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        clients = LocalAws.clients(URI.create("http://127.0.0.1:" + wiremock.port()), 3);
        CfnTemplate.Builder network = CfnTemplate.builder("network");
        CfnResource bucket = network.add(CfnResource.of("Bucket", "AWS::S3::Bucket", props()));
        network.output("VpcId", "the VPC", bucket.ref());
        CfnTemplate.Builder data = CfnTemplate.builder("data");
        data.parameter("VpcId", CfnParameter.string("the VPC"));
        data.add(CfnResource.of("Db", "AWS::RDS::DBInstance", props().put("Engine", "postgres")));
        plan = new StackPlan(List.of(
                new StackSpec("network", NETWORK, LocalAws.REGION, network.build(), Map.of(), List.of()),
                new StackSpec("data", DATA, LocalAws.REGION, data.build(),
                        Map.of("VpcId", new ParameterSource.StackOutput("network", "VpcId")), List.of())),
                Map.of("app", "notes"));
        stacks = new StackDeployer(clients::cloudFormation, DeployerSettings.defaults()
                .withPollInterval(Duration.ofMillis(1)).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)),
                progress, d -> Thread.sleep(1), Clock.systemUTC());
        stackSet = new StackSet("aws-iaas", clients::cloudFormation, clients::s3, stacks, progress, Duration.ofMillis(1),
                Duration.ofSeconds(5), Clock.systemUTC());

        Map<String, String> tags = new TreeMap<>(plan.tags());
        tags.put("tierlift:version", VERSION);
        // The network stack is as wanted; the data stack's live template differs, and its change set replaces Db.
        wiremock.stubFor(action("DescribeStacks").withRequestBody(containing(NETWORK)).willReturn(ok(CfnXml.describeStacks(
                StackXml.of(NETWORK, "UPDATE_COMPLETE").withTags(tags).withOutputs(Map.of("VpcId", "vpc-1"))))));
        wiremock.stubFor(action("GetTemplate").withRequestBody(containing(NETWORK))
                .willReturn(ok(CfnXml.getTemplate(new CfnJson().write(plan.stack("network").template())))));
        wiremock.stubFor(action("DescribeStacks").withRequestBody(containing(DATA)).willReturn(ok(CfnXml.describeStacks(
                StackXml.of(DATA, "UPDATE_COMPLETE").withTags(tags).withParameters(Map.of("VpcId", "vpc-1"))
                        .protectedStack()))));
        wiremock.stubFor(action("GetTemplate").withRequestBody(containing(DATA)).willReturn(ok(CfnXml.getTemplate("{}"))));
        wiremock.stubFor(action("CreateChangeSet").willReturn(ok(CfnXml.createChangeSet(DATA, "tierlift-x"))));
        wiremock.stubFor(action("DescribeChangeSet").willReturn(ok(CfnXml.describeChangeSet(DATA, "tierlift-x",
                "CREATE_COMPLETE", null, List.of(ChangeXml.modify("Db", "AWS::RDS::DBInstance", "True", "Engine")), null))));
        wiremock.stubFor(action("DeleteChangeSet").willReturn(ok(CfnXml.empty("DeleteChangeSet"))));
    }

    @AfterEach
    void stop() {
        clients.close();
        wiremock.stop();
    }

    private static MappingBuilder action(String name) {
        return post(urlEqualTo("/")).withRequestBody(matching("(.*&)?Action=" + name + "(&.*)?"));
    }

    private static RequestPatternBuilder requested(String name) {
        return postRequestedFor(urlEqualTo("/")).withRequestBody(matching("(.*&)?Action=" + name + "(&.*)?"));
    }

    private static ResponseDefinitionBuilder ok(String xml) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(xml);
    }

    private static DeployTimeValues none() {
        return (spec, name, outputs) -> Optional.empty();
    }

    @Test
    void aDeployThatWouldReplaceTheDatabaseIsRefusedBeforeAnyStackChangesNamingTheFlag() {
        assertThatThrownBy(() -> stackSet.refuseProtectedChanges(plan, VERSION, none(),
                ReplacementConsent.by("--allow-database-replacement", false)))
                .isInstanceOf(StackSetException.class)
                .hasMessageStartingWith("stack notes-data: the change set would replace Db (AWS::RDS::DBInstance: "
                        + "Properties.Engine changes, requires replacement), which the stack policy keeps")
                .hasMessageContaining("nothing was executed")
                .hasMessageEndingWith("deploy again with --allow-database-replacement");

        wiremock.verify(1, requested("CreateChangeSet").withRequestBody(containing(DATA)));
        wiremock.verify(1, requested("DeleteChangeSet"));
        for (String change : List.of("ExecuteChangeSet", "CreateStack", "UpdateStack", "SetStackPolicy", "DeleteStack")) {
            wiremock.verify(0, requested(change));
        }
    }

    @Test
    void theDataStacksChangeSetIsMadeWithTheOutputsTheStacksBeforeItHaveNow() {
        assertThatThrownBy(() -> stackSet.refuseProtectedChanges(plan, VERSION, none(), ReplacementConsent.NONE))
                .hasMessageEndingWith("Change the descriptor so that the database is updated in place");

        wiremock.verify(1, requested("CreateChangeSet").withRequestBody(containing("ParameterKey=VpcId"))
                .withRequestBody(containing("ParameterValue=vpc-1")));
    }

    private PlannedChange plannedDatabase(ReplacementConsent consent) {
        LiveStackPlanner planner = new LiveStackPlanner("aws-iaas", stacks, clients::s3, progress, Clock.systemUTC());
        return planner.stacks(plan, VERSION, none(), consent).changes().stream()
                .filter(c -> c.address().equals("aws-iaas.data.Db")).findFirst().orElseThrow();
    }

    @Test
    void planShowsTheReplacementAndThatDeployRefusesItWithoutTheFlag() {
        PlannedChange db = plannedDatabase(ReplacementConsent.by("--allow-database-replacement", false));

        assertThat(db.action()).isEqualTo(Action.REPLACE);
        assertThat(db.dataLoss()).isTrue();
        assertThat(db.reasons()).containsExactly("Properties.Engine changes, requires replacement",
                "the stack policy keeps this database: deploy refuses this change before changing anything, "
                        + "unless given --allow-database-replacement");
        wiremock.verify(0, requested("ExecuteChangeSet"));
    }

    @Test
    void planWithTheFlagSaysThePolicyIsLiftedForThatChangeSet() {
        PlannedChange db = plannedDatabase(ReplacementConsent.by("--allow-database-replacement", true));

        assertThat(db.reasons()).last().isEqualTo("the stack policy keeps this database; --allow-database-replacement "
                + "lifts it for this change set and sets it again after");
    }

    @Test
    void withTheOperatorsConsentNothingIsCheckedAhead() {
        stackSet.refuseProtectedChanges(plan, VERSION, none(), ReplacementConsent.by("--allow-database-replacement", true));

        assertThat(wiremock.getAllServeEvents()).isEmpty();
    }

    @Test
    void aDataStackThatDoesNotExistYetHasNothingToReplace() {
        wiremock.stubFor(action("DescribeStacks").withRequestBody(containing(NETWORK)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "text/xml").withBody(CfnXml.stackMissing(NETWORK))));

        stackSet.refuseProtectedChanges(plan, VERSION, none(), ReplacementConsent.NONE);

        wiremock.verify(0, requested("CreateChangeSet"));
    }
}

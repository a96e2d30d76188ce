package io.tierlift.aws.restore;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.cloudformation.DeployerSettings;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.rds.AutomatedBackupReader;
import io.tierlift.aws.testing.LocalAws;
import io.tierlift.aws.testing.RecordingProgress;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.journal.JournalFile;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import io.tierlift.render.aws.serverless.AwsServerlessRenderer;
import io.tierlift.tier.RestorePoint;
import io.tierlift.tier.RestorePreview;
import io.tierlift.tier.RestoreRequest;
import io.tierlift.tier.RestoreTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The restore against CloudFormation's and RDS's Query protocols replayed from AWS's documented
 * responses, for what moto cannot show: an instance's restore window starting later than its creation
 * (moto reports no RestoreWindow), a kept instance with deletion protection, and a kept Aurora cluster
 * that still has an instance, which AWS refuses to delete until the instance is gone.
 */
class DatabaseRestoreWireMockTest {
    private static final String RDS_NS = "http://rds.amazonaws.com/doc/2014-10-31/";
    private static final String CFN_NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path dir;

    private WireMockServer wiremock;
    private AwsClients clients;
    private final RecordingProgress progress = new RecordingProgress();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @BeforeEach
    void start() {
        wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        clients = LocalAws.clients(URI.create("http://127.0.0.1:" + wiremock.port()), 1);
    }

    @AfterEach
    void stop() {
        clients.close();
        wiremock.stop();
    }

    @Test
    void aTimeBeforeTheWindowRdsReportsIsRefusedBeforeAnyStackChanges() throws Exception {
        stubLiveInstance();
        DatabaseRestore restore = iaasRestore();
        Path journal = dir.resolve("restores/notes-aws-iaas.json");
        // After the instance was created, but before the earliest time its automated backup can restore to.
        RestoreRequest early = new RestoreRequest(new RestorePoint.ToTime(Instant.parse("2026-11-29T12:00:00Z")), RestoreTarget.NEW, journal);

        assertThatThrownBy(() -> restore.restore(early)).isInstanceOf(RestoreException.class)
                .hasMessage("2026-11-29T12:00:00Z is outside the window RDS instance notes-db can be restored to: "
                        + "2026-11-30T03:10:00Z to 2026-12-07T11:55:00Z; choose a time in it; nothing was changed");
        assertThat(journal).doesNotExist();
        assertThat(actions()).doesNotContain("CreateChangeSet", "ExecuteChangeSet", "UpdateStack", "SetStackPolicy");

        RestorePreview inside = restore.preview(new RestoreRequest(new RestorePoint.ToTime(Instant.parse("2026-12-07T11:30:00.750Z")),
                RestoreTarget.NEW, journal));
        assertThat(inside.resumes()).isFalse();
        assertThat(inside.actions().get(0)).startsWith("set the data stack notes-default-iaas-data's RestoreSourceDbiResourceId to "
                + "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ (RDS instance notes-db) and RestoreTime to 2026-12-07T11:30:00Z");
        assertThat(journal).doesNotExist();
    }

    @Test
    void finalizeLiftsTheKeptInstancesProtectionThenDeletesItWithAFinalSnapshot() throws Exception {
        wiremock.stubFor(action("DescribeDBInstances").willReturn(ok(RDS_NS, "DescribeDBInstances", """
                <DBInstances>
                  <DBInstance>
                    <DBInstanceIdentifier>notes-db-old</DBInstanceIdentifier>
                    <DBInstanceStatus>available</DBInstanceStatus>
                    <Engine>postgres</Engine>
                    <DeletionProtection>true</DeletionProtection>
                  </DBInstance>
                </DBInstances>""")));
        wiremock.stubFor(action("ModifyDBInstance").willReturn(ok(RDS_NS, "ModifyDBInstance",
                "<DBInstance><DBInstanceIdentifier>notes-db-old</DBInstanceIdentifier></DBInstance>")));
        wiremock.stubFor(action("DeleteDBInstance").willReturn(ok(RDS_NS, "DeleteDBInstance",
                "<DBInstance><DBInstanceIdentifier>notes-db-old</DBInstanceIdentifier><DBInstanceStatus>deleting</DBInstanceStatus></DBInstance>")));
        Path journal = switchedJournal("aws-iaas", "notes-db-old");

        var outcome = iaasRestore().finalizeRestore(journal);

        assertThat(outcome.done()).containsExactly("deleting RDS instance notes-db-old; final snapshot notes-db-old-final-20261207-120000");
        assertThat(actions()).containsSubsequence("ModifyDBInstance", "DeleteDBInstance");
        wiremock.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=ModifyDBInstance"))
                .withRequestBody(containing("DeletionProtection=false")).withRequestBody(containing("ApplyImmediately=true")));
        wiremock.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DeleteDBInstance"))
                .withRequestBody(containing("DBInstanceIdentifier=notes-db-old")).withRequestBody(containing("SkipFinalSnapshot=false"))
                .withRequestBody(containing("FinalDBSnapshotIdentifier=notes-db-old-final-20261207-120000")));
        assertThat(new JournalFile<>(journal, RestoreJournal.class).read().orElseThrow().phase()).isEqualTo(RestoreJournal.Phase.FINALIZED);
    }

    @Test
    void aKeptClusterLosesItsInstancesFirstThenItsProtectionThenIsDeletedWithAFinalSnapshot() throws Exception {
        String withMember = """
                <DBClusters>
                  <DBCluster>
                    <DBClusterIdentifier>notes-aurora-old</DBClusterIdentifier>
                    <Status>available</Status>
                    <Engine>aurora-postgresql</Engine>
                    <DeletionProtection>true</DeletionProtection>
                    <DBClusterMembers>
                      <DBClusterMember>
                        <DBInstanceIdentifier>notes-aurora-old-writer</DBInstanceIdentifier>
                        <IsClusterWriter>true</IsClusterWriter>
                      </DBClusterMember>
                    </DBClusterMembers>
                  </DBCluster>
                </DBClusters>""";
        wiremock.stubFor(action("DescribeDBClusters").inScenario("kept").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(ok(RDS_NS, "DescribeDBClusters", withMember)));
        wiremock.stubFor(action("DeleteDBInstance").inScenario("kept").willSetStateTo("deleting")
                .willReturn(ok(RDS_NS, "DeleteDBInstance", "<DBInstance><DBInstanceIdentifier>notes-aurora-old-writer"
                        + "</DBInstanceIdentifier><DBInstanceStatus>deleting</DBInstanceStatus></DBInstance>")));
        // RDS still lists the instance while it is being deleted, then no more.
        wiremock.stubFor(action("DescribeDBClusters").inScenario("kept").whenScenarioStateIs("deleting").willSetStateTo("gone")
                .willReturn(ok(RDS_NS, "DescribeDBClusters", withMember)));
        wiremock.stubFor(action("DescribeDBClusters").inScenario("kept").whenScenarioStateIs("gone")
                .willReturn(ok(RDS_NS, "DescribeDBClusters", withMember.replaceAll("(?s)<DBClusterMembers>.*</DBClusterMembers>",
                        "<DBClusterMembers/>"))));
        wiremock.stubFor(action("ModifyDBCluster").willReturn(ok(RDS_NS, "ModifyDBCluster",
                "<DBCluster><DBClusterIdentifier>notes-aurora-old</DBClusterIdentifier></DBCluster>")));
        wiremock.stubFor(action("DeleteDBCluster").willReturn(ok(RDS_NS, "DeleteDBCluster",
                "<DBCluster><DBClusterIdentifier>notes-aurora-old</DBClusterIdentifier><Status>deleting</Status></DBCluster>")));
        Path journal = switchedJournal("aws-serverless", "notes-aurora-old");
        AuroraClusterDatabase database = new AuroraClusterDatabase(clients::cloudFormation, clients::rds,
                new AutomatedBackupReader(clients::rds, clock), d -> { }, Clock.systemUTC(), Duration.ofMillis(1), Duration.ofSeconds(10));

        new DatabaseRestore("aws-serverless", serverlessPlan(), database, stacks(), () -> { }, "deploy", progress, clock)
                .finalizeRestore(journal);

        assertThat(actions()).containsSubsequence("DeleteDBInstance", "DescribeDBClusters", "DescribeDBClusters", "ModifyDBCluster",
                "DeleteDBCluster");
        wiremock.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DeleteDBInstance"))
                .withRequestBody(containing("DBInstanceIdentifier=notes-aurora-old-writer")));
        wiremock.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=ModifyDBCluster"))
                .withRequestBody(containing("DeletionProtection=false")));
        wiremock.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DeleteDBCluster"))
                .withRequestBody(containing("SkipFinalSnapshot=false"))
                .withRequestBody(containing("FinalDBSnapshotIdentifier=notes-aurora-old-final-20261207-120000")));
    }

    private void stubLiveInstance() {
        wiremock.stubFor(action("DescribeStackResources").willReturn(ok(CFN_NS, "DescribeStackResources", """
                <StackResources>
                  <member>
                    <StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/notes-default-iaas-data/1a2b3c4d</StackId>
                    <StackName>notes-default-iaas-data</StackName>
                    <LogicalResourceId>Database</LogicalResourceId>
                    <PhysicalResourceId>notes-db</PhysicalResourceId>
                    <ResourceType>AWS::RDS::DBInstance</ResourceType>
                    <Timestamp>2026-11-01T10:00:00Z</Timestamp>
                    <ResourceStatus>CREATE_COMPLETE</ResourceStatus>
                  </member>
                </StackResources>""")));
        wiremock.stubFor(action("DescribeDBInstances").willReturn(ok(RDS_NS, "DescribeDBInstances", """
                <DBInstances>
                  <DBInstance>
                    <DBInstanceIdentifier>notes-db</DBInstanceIdentifier>
                    <DbiResourceId>db-ABCDEFGHIJKLMNOPQRSTUVWXYZ</DbiResourceId>
                    <DBInstanceStatus>available</DBInstanceStatus>
                    <Engine>postgres</Engine>
                    <InstanceCreateTime>2026-11-01T10:00:00Z</InstanceCreateTime>
                    <BackupRetentionPeriod>7</BackupRetentionPeriod>
                    <LatestRestorableTime>2026-12-07T11:55:00Z</LatestRestorableTime>
                    <DeletionProtection>true</DeletionProtection>
                  </DBInstance>
                </DBInstances>""")));
        wiremock.stubFor(action("DescribeDBInstanceAutomatedBackups").willReturn(ok(RDS_NS, "DescribeDBInstanceAutomatedBackups", """
                <DBInstanceAutomatedBackups>
                  <DBInstanceAutomatedBackup>
                    <DBInstanceIdentifier>notes-db</DBInstanceIdentifier>
                    <Status>active</Status>
                    <BackupRetentionPeriod>7</BackupRetentionPeriod>
                    <RestoreWindow>
                      <EarliestTime>2026-11-30T03:10:00Z</EarliestTime>
                      <LatestTime>2026-12-07T11:55:00Z</LatestTime>
                    </RestoreWindow>
                  </DBInstanceAutomatedBackup>
                </DBInstanceAutomatedBackups>""")));
        wiremock.stubFor(action("DescribeDBSnapshots").willReturn(ok(RDS_NS, "DescribeDBSnapshots", "<DBSnapshots/>")));
    }

    private Path switchedJournal(String target, String old) {
        Path journal = dir.resolve("restores/notes-" + target + ".json");
        Instant time = Instant.parse("2026-12-07T11:30:00Z");
        new JournalFile<>(journal, RestoreJournal.class).write(new RestoreJournal(target, time.toString(), time, old, old,
                RestoreJournal.Phase.SWITCHED, Optional.of(old + "-restored")));
        return journal;
    }

    private DatabaseRestore iaasRestore() throws Exception {
        return new DatabaseRestore("aws-iaas", iaasPlan(), new RdsInstanceDatabase(clients::cloudFormation, clients::rds,
                new AutomatedBackupReader(clients::rds, clock)), stacks(), () -> { }, "deploy", progress, clock);
    }

    private StackDeployer stacks() {
        return new StackDeployer(clients::cloudFormation, DeployerSettings.defaults().withPollInterval(Duration.ofMillis(1)), progress,
                d -> { }, clock);
    }

    private StackPlan iaasPlan() throws Exception {
        return new AwsIaasRenderer().plan(descriptor("""
                  aws-iaas:
                    region: eu-west-1
                    allow_http: true
                """));
    }

    private StackPlan serverlessPlan() throws Exception {
        return new AwsServerlessRenderer().plan(descriptor("""
                  aws-serverless:
                    region: eu-west-1
                    database: { min_acu: 0, max_acu: 4 }
                """));
    }

    private io.tierlift.model.AppDescriptor descriptor(String target) throws Exception {
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, """
                app: notes
                frontend: { path: frontend, dist: frontend/dist }
                backend: { path: backend, wsgi: "notes.app:app", python: "3.11" }
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                """ + target);
        return new DescriptorLoader().load(file, Optional.empty()).descriptor();
    }

    /** The Action of every request, in the order sent (WireMock lists the newest first). */
    private List<String> actions() {
        List<String> actions = new java.util.ArrayList<>(wiremock.getAllServeEvents().stream()
                .map(e -> e.getRequest().getBodyAsString().replaceAll("(?s)^(?:.*&)?Action=([A-Za-z]+).*$", "$1")).toList());
        java.util.Collections.reverse(actions);
        return actions;
    }

    private static MappingBuilder action(String name) {
        return post(urlEqualTo("/")).withRequestBody(matching("(.*&)?Action=" + name + "(&.*)?"));
    }

    private static ResponseDefinitionBuilder ok(String ns, String action, String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("<" + action + "Response xmlns=\"" + ns
                + "\">\n  <" + action + "Result>\n" + result + "\n  </" + action + "Result>\n  <ResponseMetadata>\n"
                + "    <RequestId>9a2c3b1e-5d7f-4e0a-8b6c-2f1d0e9a8b7c</RequestId>\n  </ResponseMetadata>\n</" + action + "Response>");
    }
}

package io.tierlift.aws.rds;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.testing.LocalAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader against RDS's Query protocol, with responses shaped as AWS documents them, for what
 * moto cannot show: moto reports every latest restorable time as "now" and no restore window for an
 * instance, so a restorable time that falls behind and the window's start are replayed here.
 */
class AutomatedBackupReaderWireMockTest {
    private static final String NS = "http://rds.amazonaws.com/doc/2014-10-31/";
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private WireMockServer wiremock;
    private AwsClients clients;
    private AutomatedBackupReader reader;

    @BeforeEach
    void start() {
        wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        clients = LocalAws.clients(URI.create("http://127.0.0.1:" + wiremock.port()), 1);
        reader = new AutomatedBackupReader(clients::rds, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        clients.close();
        wiremock.stop();
    }

    private static MappingBuilder action(String name) {
        return post(urlEqualTo("/")).withRequestBody(matching("(.*&)?Action=" + name + "(&.*)?"));
    }

    private static ResponseDefinitionBuilder ok(String action, String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("<" + action + "Response xmlns=\"" + NS
                + "\">\n  <" + action + "Result>\n" + result + "\n  </" + action + "Result>\n  <ResponseMetadata>\n"
                + "    <RequestId>9a2c3b1e-5d7f-4e0a-8b6c-2f1d0e9a8b7c</RequestId>\n  </ResponseMetadata>\n</" + action + "Response>");
    }

    @Test
    void anInstanceWhoseTransactionLogsStoppedShowsTheRestorableTimeFallingBehind() {
        wiremock.stubFor(action("DescribeDBInstances").willReturn(ok("DescribeDBInstances", """
                <DBInstances>
                  <DBInstance>
                    <DBInstanceIdentifier>notes-db</DBInstanceIdentifier>
                    <DBInstanceStatus>available</DBInstanceStatus>
                    <Engine>postgres</Engine>
                    <BackupRetentionPeriod>7</BackupRetentionPeriod>
                    <PreferredBackupWindow>03:00-03:30</PreferredBackupWindow>
                    <LatestRestorableTime>2026-12-07T11:20:00Z</LatestRestorableTime>
                    <MultiAZ>true</MultiAZ>
                  </DBInstance>
                </DBInstances>""")));
        wiremock.stubFor(action("DescribeDBInstanceAutomatedBackups").willReturn(ok("DescribeDBInstanceAutomatedBackups", """
                <DBInstanceAutomatedBackups>
                  <DBInstanceAutomatedBackup>
                    <DBInstanceIdentifier>notes-db</DBInstanceIdentifier>
                    <Status>active</Status>
                    <BackupRetentionPeriod>7</BackupRetentionPeriod>
                    <RestoreWindow>
                      <EarliestTime>2026-11-30T03:10:00Z</EarliestTime>
                      <LatestTime>2026-12-07T11:20:00Z</LatestTime>
                    </RestoreWindow>
                  </DBInstanceAutomatedBackup>
                </DBInstanceAutomatedBackups>""")));
        wiremock.stubFor(action("DescribeDBSnapshots").willReturn(ok("DescribeDBSnapshots", """
                <DBSnapshots>
                  <DBSnapshot>
                    <DBSnapshotIdentifier>rds:notes-db-2026-12-06-03-05</DBSnapshotIdentifier>
                    <DBInstanceIdentifier>notes-db</DBInstanceIdentifier>
                    <SnapshotType>automated</SnapshotType>
                    <Status>available</Status>
                    <SnapshotCreateTime>2026-12-06T03:05:00Z</SnapshotCreateTime>
                  </DBSnapshot>
                  <DBSnapshot>
                    <DBSnapshotIdentifier>rds:notes-db-2026-12-07-03-04</DBSnapshotIdentifier>
                    <DBInstanceIdentifier>notes-db</DBInstanceIdentifier>
                    <SnapshotType>automated</SnapshotType>
                    <Status>available</Status>
                    <SnapshotCreateTime>2026-12-07T03:04:00Z</SnapshotCreateTime>
                  </DBSnapshot>
                  <DBSnapshot>
                    <DBSnapshotIdentifier>rds:notes-db-2026-12-08-03-00</DBSnapshotIdentifier>
                    <DBInstanceIdentifier>notes-db</DBInstanceIdentifier>
                    <SnapshotType>automated</SnapshotType>
                    <Status>creating</Status>
                  </DBSnapshot>
                </DBSnapshots>""")));

        var instance = clients.rds(LocalAws.REGION).describeDBInstances(b -> b.dbInstanceIdentifier("notes-db")).dbInstances().get(0);
        AutomatedBackups backups = reader.instance(LocalAws.REGION, instance);

        assertThat(backups.retentionDays()).isEqualTo(7);
        assertThat(backups.earliestRestorable()).contains(Instant.parse("2026-11-30T03:10:00Z"));
        assertThat(backups.latestRestorable()).contains(Instant.parse("2026-12-07T11:20:00Z"));
        assertThat(backups.restorableLag()).contains(Duration.ofMinutes(40));
        assertThat(backups.lastSnapshot()).contains(Instant.parse("2026-12-07T03:04:00Z"));
        assertThat(backups.problems()).singleElement().asString()
                .startsWith("RDS instance notes-db can be restored only up to 2026-12-07T11:20:00Z, 40m 0s ago");
        wiremock.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeDBSnapshots"))
                .withRequestBody(containing("DBInstanceIdentifier=notes-db")).withRequestBody(containing("SnapshotType=automated")));
        wiremock.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeDBInstanceAutomatedBackups"))
                .withRequestBody(containing("DBInstanceIdentifier=notes-db")));
    }

    @Test
    void anAuroraClusterGivesItsOwnRestoreWindowAndItsNewestAutomatedSnapshot() {
        wiremock.stubFor(action("DescribeDBClusters").willReturn(ok("DescribeDBClusters", """
                <DBClusters>
                  <DBCluster>
                    <DBClusterIdentifier>notes-aurora</DBClusterIdentifier>
                    <Status>available</Status>
                    <Engine>aurora-postgresql</Engine>
                    <BackupRetentionPeriod>7</BackupRetentionPeriod>
                    <EarliestRestorableTime>2026-11-30T11:58:00Z</EarliestRestorableTime>
                    <LatestRestorableTime>2026-12-07T11:57:00Z</LatestRestorableTime>
                  </DBCluster>
                </DBClusters>""")));
        wiremock.stubFor(action("DescribeDBClusterSnapshots").willReturn(ok("DescribeDBClusterSnapshots", """
                <DBClusterSnapshots>
                  <DBClusterSnapshot>
                    <DBClusterSnapshotIdentifier>rds:notes-aurora-2026-12-07-04-12</DBClusterSnapshotIdentifier>
                    <DBClusterIdentifier>notes-aurora</DBClusterIdentifier>
                    <SnapshotType>automated</SnapshotType>
                    <Status>available</Status>
                    <SnapshotCreateTime>2026-12-07T04:12:00Z</SnapshotCreateTime>
                  </DBClusterSnapshot>
                </DBClusterSnapshots>""")));

        AutomatedBackups backups = reader.cluster(LocalAws.REGION, "notes-aurora").orElseThrow();

        assertThat(backups.resource()).isEqualTo("Aurora cluster notes-aurora");
        assertThat(backups.earliestRestorable()).contains(Instant.parse("2026-11-30T11:58:00Z"));
        assertThat(backups.restorableLag()).contains(Duration.ofMinutes(3));
        assertThat(backups.snapshotAge()).contains(Duration.ofMinutes(7 * 60 + 48));
        assertThat(backups.problems()).isEmpty();
        wiremock.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeDBClusterSnapshots"))
                .withRequestBody(containing("DBClusterIdentifier=notes-aurora")).withRequestBody(containing("SnapshotType=automated")));
    }

    @Test
    void aClusterThatIsGoneIsEmptyNotAnError() {
        wiremock.stubFor(action("DescribeDBClusters").willReturn(aResponse().withStatus(404).withHeader("Content-Type", "text/xml")
                .withBody("<ErrorResponse xmlns=\"" + NS + "\">\n  <Error>\n    <Type>Sender</Type>\n"
                        + "    <Code>DBClusterNotFoundFault</Code>\n    <Message>DBCluster notes-aurora not found.</Message>\n"
                        + "  </Error>\n  <RequestId>4c1e8f2a-0b3d-4e5f-9a7b-6c8d2e1f0a9b</RequestId>\n</ErrorResponse>")));

        assertThat(reader.cluster(LocalAws.REGION, "notes-aurora")).isEmpty();
    }
}

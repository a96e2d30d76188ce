package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore aws-serverless} against moto_server with the shim: CloudFormation makes a new Aurora
 * cluster restored from the live one at the time asked (the data stack's restore parameters) with a new
 * db.serverless writer, the function's database host and master secret switch to it, and the old cluster
 * remains until {@code --finalize} deletes it with a final snapshot. A time outside the window is refused
 * with nothing created. moto runs no Lambda code: the release command's Invoke is answered here.
 */
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AwsServerlessRestoreMotoTest {
    private static final String REGION = "eu-west-1";
    private static final String DATA = "notes-default-sls-data";
    private static final String API = "notes-default-sls-api";

    private final Function<TierContext, TierRegistry> tiers = MotoApp.tiersWithoutSsh("aws-serverless", MotoApp.releaseSucceeding("applied\n"));
    private MotoShim moto;
    private Path root;
    private Path home;
    private Path descriptor;
    private Map<String, String> env;
    private CloudFormationClient cfn;
    private RdsClient rds;
    private DBCluster original;
    private Instant restoreTime;
    private String restoredId;

    @BeforeAll
    void start() throws Exception {
        moto = MotoShim.start();
        root = Files.createTempDirectory("tierlift-aws-sls-restore-");
        Path app = MotoApp.copyExample(root.resolve("app"), MotoApp.NO_DEPENDENCIES);
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
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}" }
                targets:
                  aws-serverless:
                    region: eu-west-1
                    lambda: { architecture: x86_64, memory_mb: 1024, timeout_s: 15 }
                    database: { min_acu: 0, max_acu: 4 }
                """);
        home = Files.createDirectories(root.resolve("home"));
        env = MotoApp.env(moto, REGION, home, Map.of("NOTES_DB_PASSWORD", "unused-on-serverless", "PATH", System.getenv("PATH")));
        cfn = MotoClients.of(CloudFormationClient.builder(), moto.endpoint(), REGION);
        rds = MotoClients.of(RdsClient.builder(), moto.endpoint(), REGION);
    }

    @AfterAll
    void stop() throws IOException {
        if (cfn != null) {
            cfn.close();
        }
        if (rds != null) {
            rds.close();
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
    void aDeployedTierHasOneClusterMadeEmpty() {
        Cli deploy = tierlift("deploy", "aws-serverless", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        List<DBCluster> clusters = rds.describeDBClusters().dbClusters();
        assertThat(clusters).hasSize(1);
        original = clusters.get(0);
        assertThat(parameter(DATA, "RestoreSourceClusterIdentifier")).isEmpty();
        assertThat(parameter(API, "DbHost")).isEqualTo(original.endpoint());
        // A whole second after the cluster was made (its restore window starts then, to the microsecond), and passed.
        restoreTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        while (!Instant.now().isAfter(restoreTime.plusMillis(100))) {
            Thread.onSpinWait();
        }
    }

    @Test
    @Order(2)
    void aTimeOutsideTheRestorableWindowIsRefusedWithNothingCreated() {
        Cli later = tierlift("restore", "aws-serverless", "-f", descriptor.toString(), "--to-time",
                Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString(), "--yes");
        assertThat(later.exitCode()).as(later.all()).isEqualTo(1);
        assertThat(later.err()).contains("is outside the window Aurora cluster " + original.dbClusterIdentifier() + " can be restored to")
                .contains("nothing was changed");
        assertThat(rds.describeDBClusters().dbClusters()).hasSize(1);
        assertThat(home.resolve(".tierlift/restores/notes-aws-serverless.json")).doesNotExist();
    }

    @Test
    @Order(3)
    void theRestoreMakesANewClusterFromThePointInTimeAndSwitchesTheFunctionToIt() throws IOException {
        Cli restore = tierlift("restore", "aws-serverless", "-f", descriptor.toString(), "--to-time", restoreTime.toString(), "--yes");
        assertThat(restore.exitCode()).as(restore.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(restore.out()).contains("1. set the data stack " + DATA + "'s RestoreSourceClusterIdentifier to "
                        + original.dbClusterIdentifier())
                .contains("done: restored Aurora cluster " + original.dbClusterIdentifier() + " to " + restoreTime)
                .contains("Kept until restore --finalize: Aurora cluster " + original.dbClusterIdentifier());

        assertThat(parameter(DATA, "RestoreSourceClusterIdentifier")).isEqualTo(original.dbClusterIdentifier());
        assertThat(parameter(DATA, "RestoreToTime")).isEqualTo(restoreTime.toString());
        restoredId = physicalId(DATA, "AWS::RDS::DBCluster");
        assertThat(restoredId).isNotEqualTo(original.dbClusterIdentifier());
        DBCluster restored = cluster(restoredId);
        assertThat(restored.databaseName()).isEqualTo(original.databaseName());
        assertThat(restored.masterUsername()).isEqualTo(original.masterUsername());
        assertThat(restored.storageEncrypted()).isTrue();
        assertThat(restored.deletionProtection()).isEqualTo(original.deletionProtection());
        assertThat(restored.serverlessV2ScalingConfiguration().maxCapacity()).isEqualTo(4.0);
        // A db.serverless writer in the new cluster.
        assertThat(restored.dbClusterMembers()).hasSize(1);
        String writer = restored.dbClusterMembers().get(0).dbInstanceIdentifier();
        assertThat(rds.describeDBInstances(b -> b.dbInstanceIdentifier(writer)).dbInstances().get(0).dbInstanceClass())
                .isEqualTo("db.serverless");
        // The function connects to the restored cluster with its master secret; the old cluster is still there.
        assertThat(parameter(API, "DbHost")).isEqualTo(restored.endpoint());
        assertThat(parameter(API, "DbSecretArn")).isEqualTo(restored.masterUserSecret().secretArn())
                .isNotEqualTo(original.masterUserSecret().secretArn());
        assertThat(cluster(original.dbClusterIdentifier()).dbClusterIdentifier()).isEqualTo(original.dbClusterIdentifier());
        assertThat(journal().path("phase").asText()).isEqualTo("SWITCHED");
    }

    @Test
    @Order(4)
    void finalizeDeletesTheOldClusterWithAFinalSnapshot() throws IOException {
        Cli finalized = tierlift("restore", "aws-serverless", "-f", descriptor.toString(), "--finalize", "--yes");
        assertThat(finalized.exitCode()).as(finalized.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier).containsExactly(restoredId);
        assertThat(rds.describeDBClusterSnapshots(b -> b.dbClusterIdentifier(original.dbClusterIdentifier())).dbClusterSnapshots())
                .anySatisfy(s -> assertThat(s.dbClusterSnapshotIdentifier()).startsWith(original.dbClusterIdentifier() + "-final-"));
        assertThat(cluster(restoredId).dbClusterMembers()).extracting(DBClusterMember::dbInstanceIdentifier).hasSize(1);
        assertThat(journal().path("phase").asText()).isEqualTo("FINALIZED");
    }

    private Cli tierlift(String... args) {
        return Cli.run(tiers, env, args);
    }

    private JsonNode journal() throws IOException {
        return new ObjectMapper().readTree(home.resolve(".tierlift/restores/notes-aws-serverless.json").toFile());
    }

    private DBCluster cluster(String id) {
        return rds.describeDBClusters(b -> b.dbClusterIdentifier(id)).dbClusters().get(0);
    }

    private String parameter(String stack, String key) {
        return cfn.describeStacks(b -> b.stackName(stack)).stacks().get(0).parameters().stream()
                .filter(p -> p.parameterKey().equals(key)).map(Parameter::parameterValue).findFirst().orElseThrow();
    }

    private String physicalId(String stack, String type) {
        return cfn.describeStackResources(b -> b.stackName(stack)).stackResources().stream()
                .filter(r -> r.resourceType().equals(type)).findFirst().orElseThrow().physicalResourceId();
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }
}

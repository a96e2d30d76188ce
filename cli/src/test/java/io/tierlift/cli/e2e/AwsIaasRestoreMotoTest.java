package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore aws-iaas} against moto_server with the shim: CloudFormation makes a new RDS instance
 * restored from the live one's resource id at the time asked (the data stack's restore parameters), the
 * compute stack switches to its endpoint, the old instance remains until {@code --finalize} deletes it with
 * a final snapshot. Refused without any change: a time outside the restorable window, a backup id, another
 * point while one is open. Resumed: a restore whose switch failed continues with the same command.
 */
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AwsIaasRestoreMotoTest {
    private static final String REGION = "eu-west-1";
    private static final String DATA = "notes-default-iaas-data";
    private static final String COMPUTE = "notes-default-iaas-compute";

    private MotoShim moto;
    private Path root;
    private Path app;
    private Path home;
    private Path descriptor;
    private Map<String, String> env;
    private CloudFormationClient cfn;
    private RdsClient rds;
    private DBInstance original;
    private Instant restoreTime;
    private String restoredId;

    @BeforeAll
    void start() throws Exception {
        moto = MotoShim.start();
        root = Files.createTempDirectory("tierlift-aws-iaas-restore-");
        app = MotoApp.copyExample(root.resolve("app"));
        descriptor = app.resolve("app.yaml");
        String edited = MotoApp.exampleDescriptorWithoutAcm();
        assertThat(edited).contains("allow_http: true");
        Files.writeString(descriptor, edited);
        home = Files.createDirectories(root.resolve("home"));
        env = MotoApp.env(moto, REGION, home, Map.of("NOTES_DB_PASSWORD", "unused-on-aws", "NOTES_REPLICATION_PASSWORD", "unused-on-aws"));
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
    void aDeployedTierHasOneInstanceMadeEmpty() {
        Cli deploy = tierlift("deploy", "aws-iaas", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        original = onlyInstance();
        assertThat(parameter(DATA, "RestoreSourceDbiResourceId")).isEmpty();
        assertThat(parameter(DATA, "RestoreTime")).isEmpty();
        assertThat(parameter(COMPUTE, "DbEndpointAddress")).isEqualTo(original.endpoint().address());
        // A whole second after the instance was made (its restore window starts then, to the microsecond), and passed.
        restoreTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        while (!Instant.now().isAfter(restoreTime.plusMillis(100))) {
            Thread.onSpinWait();
        }
    }

    @Test
    @Order(2)
    void aTimeOutsideTheRestorableWindowIsRefusedWithNothingChanged() {
        Cli later = tierlift("restore", "aws-iaas", "-f", descriptor.toString(), "--to-time",
                Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString(), "--yes");
        assertThat(later.exitCode()).as(later.all()).isEqualTo(1);
        assertThat(later.err()).contains("is outside the window RDS instance " + original.dbInstanceIdentifier() + " can be restored to")
                .contains("nothing was changed");
        Cli earlier = tierlift("restore", "aws-iaas", "-f", descriptor.toString(), "--to-time", "2020-01-01T00:00:00Z", "--yes");
        assertThat(earlier.exitCode()).as(earlier.all()).isEqualTo(1);
        assertThat(earlier.err()).contains("2020-01-01T00:00:00Z is outside the window");
        Cli backup = tierlift("restore", "aws-iaas", "-f", descriptor.toString(), "--to-backup", "rds:some-snapshot", "--yes");
        assertThat(backup.exitCode()).as(backup.all()).isEqualTo(1);
        assertThat(backup.err()).contains("restores to a point in time only: use --to-time");

        assertThat(rds.describeDBInstances().dbInstances()).extracting(DBInstance::dbInstanceIdentifier)
                .containsExactly(original.dbInstanceIdentifier());
        assertThat(parameter(DATA, "RestoreSourceDbiResourceId")).isEmpty();
        assertThat(home.resolve(".tierlift/restores/notes-aws-iaas.json")).doesNotExist();
    }

    @Test
    @Order(3)
    void thePreviewListsTheStepsAndChangesNothing() {
        Cli preview = tierlift("restore", "aws-iaas", "-f", descriptor.toString(), "--to-time", restoreTime.toString(), "--preview");
        assertThat(preview.exitCode()).as(preview.all()).isZero();
        assertThat(preview.out()).contains("Restore plan: aws-iaas to " + restoreTime + ", into a new database")
                .contains("1. set the data stack " + DATA + "'s RestoreSourceDbiResourceId to " + original.dbiResourceId())
                .contains("2. deploy aws-iaas: the compute stack takes the data stack's new endpoint")
                .contains("3. keep RDS instance " + original.dbInstanceIdentifier())
                .contains("Warning: transactions committed after " + restoreTime);
        assertThat(rds.describeDBInstances().dbInstances()).hasSize(1);
        assertThat(home.resolve(".tierlift/restores/notes-aws-iaas.json")).doesNotExist();
    }

    @Test
    @Order(4)
    void aFailedSwitchLeavesTheRestoredInstanceAndTheJournalAtThatStep() throws IOException {
        // The switch is a deploy, which packs the backend first: without it, the deploy fails after the restore.
        Files.move(app.resolve("backend"), root.resolve("backend-aside"));
        Cli restore = tierlift("restore", "aws-iaas", "-f", descriptor.toString(), "--to-time", restoreTime.toString(), "--yes");
        Files.move(root.resolve("backend-aside"), app.resolve("backend"));
        assertThat(restore.exitCode()).as(restore.all() + "\nmoto log:\n" + tail(moto.log())).isEqualTo(1);
        assertThat(restore.err()).contains("backend folder");

        // CloudFormation made the restore: the data stack's parameters name the source and the time.
        assertThat(parameter(DATA, "RestoreSourceDbiResourceId")).isEqualTo(original.dbiResourceId());
        assertThat(parameter(DATA, "RestoreTime")).isEqualTo(restoreTime.toString());
        restoredId = physicalId(DATA, "AWS::RDS::DBInstance");
        assertThat(restoredId).isNotEqualTo(original.dbInstanceIdentifier());
        DBInstance restored = instance(restoredId);
        assertThat(restored.dbName()).isEqualTo(original.dbName());
        assertThat(restored.masterUsername()).isEqualTo(original.masterUsername());
        assertThat(restored.dbInstanceClass()).isEqualTo(original.dbInstanceClass());
        assertThat(restored.multiAZ()).isEqualTo(original.multiAZ());
        assertThat(restored.storageEncrypted()).isTrue();
        assertThat(restored.deletionProtection()).isEqualTo(original.deletionProtection());
        assertThat(restored.dbSubnetGroup().dbSubnetGroupName()).isEqualTo(original.dbSubnetGroup().dbSubnetGroupName());
        assertThat(restored.dbParameterGroups()).extracting(g -> g.dbParameterGroupName())
                .isEqualTo(original.dbParameterGroups().stream().map(g -> g.dbParameterGroupName()).toList());
        assertThat(output(DATA, "DbEndpointAddress")).isEqualTo(restored.endpoint().address());
        // Not switched yet: the app still uses the old instance, which is still there.
        assertThat(parameter(COMPUTE, "DbEndpointAddress")).isEqualTo(original.endpoint().address());
        assertThat(instance(original.dbInstanceIdentifier()).dbInstanceStatus()).isEqualTo("available");
        JsonNode journal = journal();
        assertThat(journal.path("phase").asText()).isEqualTo("RESTORED");
        assertThat(journal.path("oldDatabase").asText()).isEqualTo(original.dbInstanceIdentifier());
        assertThat(journal.path("newDatabase").asText()).isEqualTo(restoredId);
    }

    @Test
    @Order(5)
    void anotherPointIsRefusedWhileTheRestoreIsOpen() {
        String other = restoreTime.minusSeconds(1).toString();
        Cli refused = tierlift("restore", "aws-iaas", "-f", descriptor.toString(), "--to-time", other, "--yes");
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(1);
        assertThat(refused.err()).contains("a restore of aws-iaas to " + restoreTime + " is open (RESTORED")
                .contains("complete it with 'tierlift restore aws-iaas --to-time " + restoreTime + "'");
        assertThat(rds.describeDBInstances().dbInstances()).hasSize(2);
    }

    @Test
    @Order(6)
    void theSameCommandContinuesAndSwitchesTheAppToTheRestoredInstance() throws IOException {
        Cli resumed = tierlift("restore", "aws-iaas", "-f", descriptor.toString(), "--to-time", restoreTime.toString(), "--yes");
        assertThat(resumed.exitCode()).as(resumed.all() + "\nmoto log:\n" + tail(moto.log())).isZero();
        assertThat(resumed.out()).contains("continuing the unfinished restore")
                .doesNotContain("1. set the data stack")
                .contains("done: switched the app to " + restoredId)
                .contains("Kept until restore --finalize: RDS instance " + original.dbInstanceIdentifier());
        // No second restore: the old instance and the one restored, nothing else.
        assertThat(rds.describeDBInstances().dbInstances()).extracting(DBInstance::dbInstanceIdentifier)
                .containsExactlyInAnyOrder(original.dbInstanceIdentifier(), restoredId);
        DBInstance restored = instance(restoredId);
        assertThat(parameter(COMPUTE, "DbEndpointAddress")).isEqualTo(restored.endpoint().address());
        assertThat(parameter(COMPUTE, "DbSecretArn")).isEqualTo(output(DATA, "DbSecretArn"))
                .isEqualTo(restored.masterUserSecret().secretArn());
        assertThat(journal().path("phase").asText()).isEqualTo("SWITCHED");
    }

    @Test
    @Order(7)
    void aLaterDeployKeepsTheRestoredInstance() {
        Cli deploy = tierlift("deploy", "aws-iaas", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        assertThat(parameter(DATA, "RestoreSourceDbiResourceId")).isEqualTo(original.dbiResourceId());
        assertThat(physicalId(DATA, "AWS::RDS::DBInstance")).isEqualTo(restoredId);
        assertThat(rds.describeDBInstances().dbInstances()).hasSize(2);
    }

    @Test
    @Order(8)
    void finalizeDeletesTheOldInstanceWithAFinalSnapshotAndClosesTheJournal() throws IOException {
        Cli finalized = tierlift("restore", "aws-iaas", "-f", descriptor.toString(), "--finalize", "--yes");
        assertThat(finalized.exitCode()).as(finalized.all()).isZero();
        assertThat(finalized.out()).contains("done: deleting RDS instance " + original.dbInstanceIdentifier() + "; final snapshot "
                + original.dbInstanceIdentifier() + "-final-");
        assertThat(rds.describeDBInstances().dbInstances()).extracting(DBInstance::dbInstanceIdentifier).containsExactly(restoredId);
        assertThat(rds.describeDBSnapshots(b -> b.dbInstanceIdentifier(original.dbInstanceIdentifier())).dbSnapshots())
                .anySatisfy(s -> assertThat(s.dbSnapshotIdentifier()).startsWith(original.dbInstanceIdentifier() + "-final-"));
        assertThat(journal().path("phase").asText()).isEqualTo("FINALIZED");

        Cli again = tierlift("restore", "aws-iaas", "-f", descriptor.toString(), "--finalize", "--yes");
        assertThat(again.exitCode()).as(again.all()).isEqualTo(1);
        assertThat(again.err()).contains("no restore of aws-iaas to finalize");
    }

    private Cli tierlift(String... args) {
        return Cli.run(env, args);
    }

    private JsonNode journal() throws IOException {
        return new ObjectMapper().readTree(home.resolve(".tierlift/restores/notes-aws-iaas.json").toFile());
    }

    private DBInstance onlyInstance() {
        List<DBInstance> instances = rds.describeDBInstances().dbInstances();
        assertThat(instances).hasSize(1);
        return instances.get(0);
    }

    private DBInstance instance(String id) {
        return rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().get(0);
    }

    private String parameter(String stack, String key) {
        return cfn.describeStacks(b -> b.stackName(stack)).stacks().get(0).parameters().stream()
                .filter(p -> p.parameterKey().equals(key)).map(Parameter::parameterValue).findFirst().orElseThrow();
    }

    private String output(String stack, String key) {
        return cfn.describeStacks(b -> b.stackName(stack)).stacks().get(0).outputs().stream()
                .filter(o -> o.outputKey().equals(key)).findFirst().orElseThrow().outputValue();
    }

    private String physicalId(String stack, String type) {
        return cfn.describeStackResources(b -> b.stackName(stack)).stackResources().stream()
                .filter(r -> r.resourceType().equals(type)).findFirst().orElseThrow().physicalResourceId();
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }
}

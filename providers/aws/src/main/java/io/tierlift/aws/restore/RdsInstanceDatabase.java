package io.tierlift.aws.restore;

import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.rds.AutomatedBackupReader;
import io.tierlift.aws.rds.AutomatedBackups;
import io.tierlift.render.aws.PointInTimeRestore;
import io.tierlift.render.aws.StackSpec;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The aws-iaas data stack's RDS instance. A restore names its source by resource id (DbiResourceId),
 * which stays with the instance's backups. The restore window starts at the earliest restorable time
 * of its automated backup; when RDS reports none, at the instance's creation, before which nothing
 * can be restored.
 */
public final class RdsInstanceDatabase implements RestorableDatabase {
    static final String TYPE = "AWS::RDS::DBInstance";

    private final Function<String, CloudFormationClient> cloudFormation;
    private final Function<String, RdsClient> rds;
    private final AutomatedBackupReader backups;
    private final AwsCalls cfnCalls = new AwsCalls("CloudFormation");
    private final AwsCalls rdsCalls = new AwsCalls("RDS");

    public RdsInstanceDatabase(Function<String, CloudFormationClient> cloudFormation, Function<String, RdsClient> rds,
                               AutomatedBackupReader backups) {
        this.cloudFormation = cloudFormation;
        this.rds = rds;
        this.backups = backups;
    }

    @Override
    public String kind() {
        return "RDS instance";
    }

    @Override
    public PointInTimeRestore parameters() {
        return PointInTimeRestore.RDS_INSTANCE;
    }

    @Override
    public Optional<Live> live(StackSpec data) {
        Optional<String> id = StackDatabases.physicalId(cfnCalls, cloudFormation.apply(data.region()), data.name(), TYPE);
        return id.flatMap(i -> describe(data.region(), i)).map(instance -> {
            AutomatedBackups window = backups.instance(data.region(), instance);
            Optional<Instant> earliest = window.earliestRestorable().or(() -> Optional.ofNullable(instance.instanceCreateTime()));
            return new Live(instance.dbInstanceIdentifier(), instance.dbiResourceId(), window.retentionDays(), earliest,
                    window.latestRestorable());
        });
    }

    @Override
    public boolean deleteKept(String region, String id, String finalSnapshot) {
        Optional<DBInstance> instance = describe(region, id);
        if (instance.isEmpty()) {
            return false;
        }
        RdsClient client = rds.apply(region);
        if (Boolean.TRUE.equals(instance.get().deletionProtection())) {
            // Applied at once: DeleteDBInstance right after sees it off.
            rdsCalls.call("ModifyDBInstance", () -> client.modifyDBInstance(b -> b.dbInstanceIdentifier(id)
                    .deletionProtection(false).applyImmediately(true)));
        }
        rdsCalls.call("DeleteDBInstance", () -> client.deleteDBInstance(b -> b.dbInstanceIdentifier(id)
                .skipFinalSnapshot(false).finalDBSnapshotIdentifier(finalSnapshot)));
        return true;
    }

    private Optional<DBInstance> describe(String region, String id) {
        try {
            return rdsCalls.call("DescribeDBInstances", () -> rds.apply(region).describeDBInstances(b -> b.dbInstanceIdentifier(id))
                    .dbInstances()).stream().findFirst();
        } catch (AwsCallException e) {
            if (e.getCause() instanceof DbInstanceNotFoundException || e.hasCode("DBInstanceNotFound")) {
                return Optional.empty();
            }
            throw e;
        }
    }
}

package io.tierlift.aws.iaas;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbInstanceAutomatedBackupsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstanceAutomatedBackupsResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;
import software.amazon.awssdk.services.rds.model.DBInstanceAutomatedBackup;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RDS instances in memory, each with automated backups kept for 7 days: restorable up to a minute
 * ago, from three days ago, its last automated snapshot taken an hour ago. A ModifyDBInstance that turns deletion protection off shows only after
 * {@code describesUntilApplied} further DescribeDBInstances calls, as RDS applies it a moment later.
 */
final class FakeRds implements RdsClient {
    final Map<String, DBInstance> instances = new LinkedHashMap<>();
    final List<String> journal;
    int describesUntilApplied;
    private Boolean pendingProtection;

    FakeRds(List<String> journal) {
        this.journal = journal;
    }

    void instance(String id, String status, boolean deletionProtection) {
        instances.put(id, DBInstance.builder().dbInstanceIdentifier(id).dbInstanceStatus(status).multiAZ(true)
                .engine("postgres").engineVersion("15.8").storageEncrypted(true).deletionProtection(deletionProtection)
                .backupRetentionPeriod(7).latestRestorableTime(Instant.now().minus(Duration.ofMinutes(1))).build());
    }

    @Override
    public DescribeDbInstanceAutomatedBackupsResponse describeDBInstanceAutomatedBackups(DescribeDbInstanceAutomatedBackupsRequest request) {
        journal.add("rds:DescribeDBInstanceAutomatedBackups " + request.dbInstanceIdentifier());
        return DescribeDbInstanceAutomatedBackupsResponse.builder().dbInstanceAutomatedBackups(DBInstanceAutomatedBackup.builder()
                .dbInstanceIdentifier(request.dbInstanceIdentifier()).status("active").restoreWindow(w -> w
                        .earliestTime(Instant.now().minus(Duration.ofDays(3))).latestTime(Instant.now().minus(Duration.ofMinutes(1))))
                .build()).build();
    }

    @Override
    public DescribeDbSnapshotsResponse describeDBSnapshots(DescribeDbSnapshotsRequest request) {
        journal.add("rds:DescribeDBSnapshots " + request.dbInstanceIdentifier() + " " + request.snapshotType());
        return DescribeDbSnapshotsResponse.builder().dbSnapshots(DBSnapshot.builder().dbInstanceIdentifier(request.dbInstanceIdentifier())
                .dbSnapshotIdentifier("rds:" + request.dbInstanceIdentifier() + "-auto").snapshotType("automated").status("available")
                .snapshotCreateTime(Instant.now().minus(Duration.ofHours(1))).build()).build();
    }

    @Override
    public DescribeDbInstancesResponse describeDBInstances(DescribeDbInstancesRequest request) {
        journal.add("rds:DescribeDBInstances " + request.dbInstanceIdentifier());
        DBInstance db = instances.get(request.dbInstanceIdentifier());
        if (db == null) {
            throw (DbInstanceNotFoundException) DbInstanceNotFoundException.builder().statusCode(404)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("DBInstanceNotFound")
                            .errorMessage("DBInstance " + request.dbInstanceIdentifier() + " not found.").build()).build();
        }
        if (pendingProtection != null) {
            if (describesUntilApplied-- <= 0) {
                db = db.toBuilder().deletionProtection(pendingProtection).build();
                instances.put(db.dbInstanceIdentifier(), db);
                pendingProtection = null;
            }
        }
        return DescribeDbInstancesResponse.builder().dbInstances(db).build();
    }

    @Override
    public ModifyDbInstanceResponse modifyDBInstance(ModifyDbInstanceRequest request) {
        journal.add("rds:ModifyDBInstance " + request.dbInstanceIdentifier() + " DeletionProtection=" + request.deletionProtection()
                + " ApplyImmediately=" + request.applyImmediately());
        pendingProtection = request.deletionProtection();
        return ModifyDbInstanceResponse.builder().dbInstance(instances.get(request.dbInstanceIdentifier())).build();
    }

    @Override
    public String serviceName() {
        return "rds";
    }

    @Override
    public void close() {
    }
}

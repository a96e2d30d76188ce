package io.tierlift.aws.rds;

import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsCalls;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBInstanceAutomatedBackup;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.RestoreWindow;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the automated backups of an RDS instance (DescribeDBInstances gives the retention and the
 * latest restorable time, DescribeDBInstanceAutomatedBackups the start of the restore window) or of
 * an Aurora cluster (DescribeDBClusters gives all three), and the newest automated snapshot of either.
 */
public final class AutomatedBackupReader {
    static final String AUTOMATED = "automated";

    private final Function<String, RdsClient> rds;
    private final Clock clock;
    private final AwsCalls calls = new AwsCalls("RDS");

    public AutomatedBackupReader(Function<String, RdsClient> rds, Clock clock) {
        this.rds = rds;
        this.clock = clock;
    }

    /** The backups of {@code instance}, as DescribeDBInstances returned it. */
    public AutomatedBackups instance(String region, DBInstance instance) {
        String id = instance.dbInstanceIdentifier();
        RdsClient client = rds.apply(region);
        Optional<Instant> earliest = calls.call("DescribeDBInstanceAutomatedBackups", () -> client
                        .describeDBInstanceAutomatedBackups(b -> b.dbInstanceIdentifier(id)).dbInstanceAutomatedBackups())
                .stream().map(DBInstanceAutomatedBackup::restoreWindow).filter(Objects::nonNull)
                .map(RestoreWindow::earliestTime).filter(Objects::nonNull).min(Comparator.naturalOrder());
        Optional<Instant> snapshot = calls.call("DescribeDBSnapshots", () -> client
                        .describeDBSnapshotsPaginator(b -> b.dbInstanceIdentifier(id).snapshotType(AUTOMATED)).dbSnapshots().stream()
                        .map(DBSnapshot::snapshotCreateTime).filter(Objects::nonNull).max(Comparator.naturalOrder()));
        return new AutomatedBackups("RDS instance " + id, retention(instance.backupRetentionPeriod()), earliest,
                Optional.ofNullable(instance.latestRestorableTime()), snapshot, clock.instant());
    }

    /** The backups of the Aurora cluster {@code identifier}; empty when it does not exist. */
    public Optional<AutomatedBackups> cluster(String region, String identifier) {
        RdsClient client = rds.apply(region);
        Optional<DBCluster> cluster;
        try {
            cluster = calls.call("DescribeDBClusters", () -> client.describeDBClusters(b -> b.dbClusterIdentifier(identifier))
                    .dbClusters()).stream().findFirst();
        } catch (AwsCallException e) {
            if (e.getCause() instanceof DbClusterNotFoundException || e.hasCode("DBClusterNotFoundFault")) {
                return Optional.empty();
            }
            throw e;
        }
        return cluster.map(c -> {
            Optional<Instant> snapshot = calls.call("DescribeDBClusterSnapshots", () -> client
                    .describeDBClusterSnapshotsPaginator(b -> b.dbClusterIdentifier(identifier).snapshotType(AUTOMATED))
                    .dbClusterSnapshots().stream().map(DBClusterSnapshot::snapshotCreateTime).filter(Objects::nonNull)
                    .max(Comparator.naturalOrder()));
            return new AutomatedBackups("Aurora cluster " + c.dbClusterIdentifier(), retention(c.backupRetentionPeriod()),
                    Optional.ofNullable(c.earliestRestorableTime()), Optional.ofNullable(c.latestRestorableTime()), snapshot,
                    clock.instant());
        });
    }

    private static int retention(Integer days) {
        return days == null ? 0 : days;
    }
}

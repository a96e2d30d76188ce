package io.tierlift.aws.restore;

import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.rds.AutomatedBackupReader;
import io.tierlift.render.aws.PointInTimeRestore;
import io.tierlift.render.aws.StackSpec;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The aws-serverless data stack's Aurora cluster. A restore names its source by cluster identifier.
 * CloudFormation replaces the cluster's writer with the cluster (the writer names its cluster) and
 * deletes the old writer; the old cluster, which holds the data, is what the restore keeps.
 */
public final class AuroraClusterDatabase implements RestorableDatabase {
    static final String TYPE = "AWS::RDS::DBCluster";

    private final Function<String, CloudFormationClient> cloudFormation;
    private final Function<String, RdsClient> rds;
    private final AutomatedBackupReader backups;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration timeout;
    private final AwsCalls cfnCalls = new AwsCalls("CloudFormation");
    private final AwsCalls rdsCalls = new AwsCalls("RDS");

    /** {@code timeout} bounds the wait for the kept cluster's instances to be deleted before the cluster is. */
    public AuroraClusterDatabase(Function<String, CloudFormationClient> cloudFormation, Function<String, RdsClient> rds,
                                 AutomatedBackupReader backups, Sleeper sleeper, Clock clock, Duration pollInterval, Duration timeout) {
        this.cloudFormation = cloudFormation;
        this.rds = rds;
        this.backups = backups;
        this.sleeper = sleeper;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    @Override
    public String kind() {
        return "Aurora cluster";
    }

    @Override
    public PointInTimeRestore parameters() {
        return PointInTimeRestore.AURORA_CLUSTER;
    }

    @Override
    public Optional<Live> live(StackSpec data) {
        return StackDatabases.physicalId(cfnCalls, cloudFormation.apply(data.region()), data.name(), TYPE)
                .flatMap(id -> backups.cluster(data.region(), id).map(window -> new Live(id, id, window.retentionDays(),
                        window.earliestRestorable(), window.latestRestorable())));
    }

    /**
     * Deletes the kept cluster's instances first (AWS refuses to delete a cluster that has any; their data is
     * the cluster's), waits until they are gone, lifts the cluster's deletion protection, then deletes it with
     * a final snapshot.
     */
    @Override
    public boolean deleteKept(String region, String id, String finalSnapshot) {
        RdsClient client = rds.apply(region);
        Optional<DBCluster> cluster = describe(client, id);
        if (cluster.isEmpty()) {
            return false;
        }
        for (DBClusterMember member : cluster.get().dbClusterMembers()) {
            rdsCalls.call("DeleteDBInstance", () -> client.deleteDBInstance(b -> b.dbInstanceIdentifier(member.dbInstanceIdentifier())));
        }
        Instant deadline = clock.instant().plus(timeout);
        while (describe(client, id).map(c -> !c.dbClusterMembers().isEmpty()).orElse(false)) {
            if (!clock.instant().isBefore(deadline)) {
                throw new RestoreException("Aurora cluster " + id + " still has instances after " + timeout.toMinutes()
                        + " min; run restore --finalize again once they are deleted");
            }
            try {
                sleeper.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RestoreException("interrupted while waiting for the instances of Aurora cluster " + id + " to be deleted");
            }
        }
        if (Boolean.TRUE.equals(cluster.get().deletionProtection())) {
            rdsCalls.call("ModifyDBCluster", () -> client.modifyDBCluster(b -> b.dbClusterIdentifier(id)
                    .deletionProtection(false).applyImmediately(true)));
        }
        rdsCalls.call("DeleteDBCluster", () -> client.deleteDBCluster(b -> b.dbClusterIdentifier(id)
                .skipFinalSnapshot(false).finalDBSnapshotIdentifier(finalSnapshot)));
        return true;
    }

    private Optional<DBCluster> describe(RdsClient client, String id) {
        try {
            return rdsCalls.call("DescribeDBClusters", () -> client.describeDBClusters(b -> b.dbClusterIdentifier(id)).dbClusters())
                    .stream().findFirst();
        } catch (AwsCallException e) {
            if (e.getCause() instanceof DbClusterNotFoundException || e.hasCode("DBClusterNotFoundFault")) {
                return Optional.empty();
            }
            throw e;
        }
    }
}

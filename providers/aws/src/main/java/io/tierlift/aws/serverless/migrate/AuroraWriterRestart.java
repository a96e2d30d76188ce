package io.tierlift.aws.serverless.migrate;

import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.migrate.AwsMigrationException;
import io.tierlift.provider.Progress;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Restarts the writer instance of the Aurora cluster with a given writer endpoint, and waits until
 * it is available again: a static cluster parameter (such as rds.logical_replication) takes effect
 * only then. The writer is found through the cluster's members, since the stack outputs name only
 * the endpoint.
 */
public final class AuroraWriterRestart {
    static final String AVAILABLE = "available";
    static final String IN_SYNC = "in-sync";

    private final Function<String, RdsClient> rds;
    private final Progress progress;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration timeout;
    private final AwsCalls aws = new AwsCalls("RDS");

    public AuroraWriterRestart(Function<String, RdsClient> rds, Progress progress, Sleeper sleeper, Clock clock,
                               Duration pollInterval, Duration timeout) {
        this.rds = rds;
        this.progress = progress;
        this.sleeper = sleeper;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    /** Reboots the writer of the cluster whose writer endpoint is {@code writerEndpoint}; returns the instance's id. */
    public String restart(String region, String writerEndpoint) {
        RdsClient client = rds.apply(region);
        String writer = writer(cluster(client, writerEndpoint)).dbInstanceIdentifier();
        progress.step("aurora " + writer, "restarting the writer so the new cluster parameters take effect");
        aws.call("RebootDBInstance", () -> client.rebootDBInstance(b -> b.dbInstanceIdentifier(writer)));
        awaitInSync(client, writerEndpoint, writer);
        progress.step("aurora " + writer, "available again, parameters applied");
        return writer;
    }

    private DBCluster cluster(RdsClient client, String writerEndpoint) {
        return aws.call("DescribeDBClusters", () -> client.describeDBClustersPaginator(b -> { }).dbClusters().stream()
                .filter(cluster -> writerEndpoint.equalsIgnoreCase(cluster.endpoint())).findFirst())
                .orElseThrow(() -> new AwsMigrationException("no Aurora cluster has the writer endpoint " + writerEndpoint));
    }

    private static DBClusterMember writer(DBCluster cluster) {
        return cluster.dbClusterMembers().stream().filter(m -> Boolean.TRUE.equals(m.isClusterWriter())).findFirst()
                .orElseThrow(() -> new AwsMigrationException("Aurora cluster " + cluster.dbClusterIdentifier()
                        + " has no writer instance to restart"));
    }

    /** Until the instance is available and its cluster parameters are in sync (not pending a reboot any more). */
    private void awaitInSync(RdsClient client, String writerEndpoint, String instance) {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            String status = aws.call("DescribeDBInstances", () -> client.describeDBInstances(b -> b.dbInstanceIdentifier(instance)))
                    .dbInstances().get(0).dbInstanceStatus();
            String parameters = writer(cluster(client, writerEndpoint)).dbClusterParameterGroupStatus();
            if (AVAILABLE.equals(status) && (parameters == null || IN_SYNC.equals(parameters))) {
                return;
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new AwsMigrationException("Aurora instance " + instance + " is not back " + timeout.toMinutes()
                        + " min after its restart (status " + status + ", parameters " + parameters + "); run the migration "
                        + "again once it is available");
            }
            try {
                sleeper.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AwsMigrationException("interrupted while waiting for Aurora instance " + instance);
            }
        }
    }
}

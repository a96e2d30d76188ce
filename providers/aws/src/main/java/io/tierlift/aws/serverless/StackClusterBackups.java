package io.tierlift.aws.serverless;

import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.rds.AutomatedBackupReader;
import io.tierlift.aws.rds.AutomatedBackups;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackResource;

import java.util.Optional;
import java.util.function.Function;

/**
 * Finds the stack's Aurora cluster by its resource list (DescribeStackResources: the stack outputs
 * name only its endpoint) and reads the cluster's automated backups.
 */
public final class StackClusterBackups implements ClusterBackupsLookup {
    static final String CLUSTER_TYPE = "AWS::RDS::DBCluster";

    private final Function<String, CloudFormationClient> cloudFormation;
    private final AutomatedBackupReader backups;
    private final AwsCalls calls = new AwsCalls("CloudFormation");

    public StackClusterBackups(Function<String, CloudFormationClient> cloudFormation, AutomatedBackupReader backups) {
        this.cloudFormation = cloudFormation;
        this.backups = backups;
    }

    @Override
    public Optional<AutomatedBackups> describe(String region, String stackName) {
        Optional<String> cluster = calls.call("DescribeStackResources", () -> cloudFormation.apply(region)
                        .describeStackResources(b -> b.stackName(stackName)).stackResources()).stream()
                .filter(r -> CLUSTER_TYPE.equals(r.resourceType())).map(StackResource::physicalResourceId)
                .filter(id -> id != null && !id.isBlank()).findFirst();
        return cluster.flatMap(id -> backups.cluster(region, id));
    }
}

package io.tierlift.aws.iaas;

import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.rds.AutomatedBackupReader;
import io.tierlift.aws.rds.AutomatedBackups;
import io.tierlift.provider.Progress;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackResource;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The resources inside the stacks that status and destroy look at directly: the Auto Scaling group
 * and the RDS instance (with its automated backups), found through their stack (DescribeStackResources), read and, for the
 * database, changed (deletion protection) with their own services' APIs.
 */
public final class LiveResources {
    static final String ASG_TYPE = "AWS::AutoScaling::AutoScalingGroup";
    static final String DB_TYPE = "AWS::RDS::DBInstance";

    private final Function<String, CloudFormationClient> cloudFormation;
    private final Function<String, AutoScalingClient> autoScaling;
    private final Function<String, RdsClient> rds;
    private final Progress progress;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration timeout;
    private final AwsCalls cfnCalls = new AwsCalls("CloudFormation");
    private final AwsCalls asgCalls = new AwsCalls("Auto Scaling");
    private final AwsCalls rdsCalls = new AwsCalls("RDS");
    private final AutomatedBackupReader backups;

    /** {@code timeout} bounds the wait for RDS to show a modification (it applies them within minutes). */
    public LiveResources(Function<String, CloudFormationClient> cloudFormation, Function<String, AutoScalingClient> autoScaling,
                         Function<String, RdsClient> rds, Progress progress, Sleeper sleeper, Clock clock,
                         Duration pollInterval, Duration timeout) {
        this.cloudFormation = cloudFormation;
        this.autoScaling = autoScaling;
        this.rds = rds;
        this.progress = progress;
        this.sleeper = sleeper;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
        this.backups = new AutomatedBackupReader(rds, clock);
    }

    /** The physical id of the stack's first resource of {@code type}, if it has one. */
    public Optional<String> physicalId(String region, String stackName, String type) {
        List<StackResource> resources = cfnCalls.call("DescribeStackResources", () -> cloudFormation.apply(region)
                .describeStackResources(b -> b.stackName(stackName)).stackResources());
        return resources.stream().filter(r -> type.equals(r.resourceType()))
                .map(StackResource::physicalResourceId).filter(id -> id != null && !id.isBlank()).findFirst();
    }

    public Optional<IaasStatus.AsgHealth> autoScalingGroup(String region, String name) {
        List<AutoScalingGroup> groups = asgCalls.call("DescribeAutoScalingGroups", () -> autoScaling.apply(region)
                .describeAutoScalingGroups(b -> b.autoScalingGroupNames(name)).autoScalingGroups());
        return groups.stream().findFirst().map(g -> {
            Map<String, Integer> byState = new TreeMap<>();
            int inService = 0;
            int healthy = 0;
            for (Instance instance : g.instances()) {
                String state = instance.lifecycleStateAsString();
                byState.merge(state, 1, Integer::sum);
                if ("InService".equals(state)) {
                    inService++;
                    if ("Healthy".equalsIgnoreCase(instance.healthStatus())) {
                        healthy++;
                    }
                }
            }
            return new IaasStatus.AsgHealth(g.autoScalingGroupName(), g.desiredCapacity(), g.minSize(), g.maxSize(),
                    inService, healthy, byState);
        });
    }

    public Optional<IaasStatus.RdsHealth> database(String region, String identifier) {
        return describe(region, identifier).map(db -> health(db, backups.instance(region, db)));
    }

    /**
     * Turns the instance's DeletionProtection off (ModifyDBInstance, applied immediately) and waits
     * until DescribeDBInstances shows it off: CloudFormation can only delete the instance after that.
     * Nothing is sent when it is already off.
     */
    public void turnOffDeletionProtection(String region, String identifier) {
        String scope = "rds " + identifier;
        DBInstance current = describe(region, identifier).orElseThrow(() -> new IaasDeployException(
                "RDS instance " + identifier + " does not exist in " + region));
        if (!Boolean.TRUE.equals(current.deletionProtection())) {
            return;
        }
        progress.step(scope, "turning deletion protection off (--force-data-deletion; a final snapshot is still taken)");
        rdsCalls.call("ModifyDBInstance", () -> rds.apply(region).modifyDBInstance(b -> b
                .dbInstanceIdentifier(identifier).deletionProtection(false).applyImmediately(true)));
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            Optional<DBInstance> now = describe(region, identifier);
            if (now.isEmpty() || !Boolean.TRUE.equals(now.get().deletionProtection())) {
                progress.step(scope, "deletion protection is off");
                return;
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new IaasDeployException("RDS instance " + identifier + " still shows deletion protection on after "
                        + timeout.toSeconds() + " s (status " + now.get().dbInstanceStatus() + "); nothing was deleted. "
                        + "Check it with 'aws rds describe-db-instances --db-instance-identifier " + identifier
                        + "' and run destroy again");
            }
            try {
                sleeper.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IaasDeployException("interrupted while waiting for RDS instance " + identifier);
            }
        }
    }

    public boolean deletionProtected(String region, String identifier) {
        return describe(region, identifier).map(d -> Boolean.TRUE.equals(d.deletionProtection())).orElse(false);
    }

    private Optional<DBInstance> describe(String region, String identifier) {
        try {
            return rdsCalls.call("DescribeDBInstances", () -> rds.apply(region)
                    .describeDBInstances(b -> b.dbInstanceIdentifier(identifier)).dbInstances()).stream().findFirst();
        } catch (io.tierlift.aws.client.AwsCallException e) {
            if (e.getCause() instanceof DbInstanceNotFoundException || e.hasCode("DBInstanceNotFound")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static IaasStatus.RdsHealth health(DBInstance db, AutomatedBackups backups) {
        return new IaasStatus.RdsHealth(db.dbInstanceIdentifier(), db.dbInstanceStatus(), Boolean.TRUE.equals(db.multiAZ()),
                db.engine(), db.engineVersion(), Boolean.TRUE.equals(db.storageEncrypted()),
                Boolean.TRUE.equals(db.deletionProtection()), pending(db.pendingModifiedValues()), backups);
    }

    /** Every field RDS reports as pending, whatever the SDK version knows of: "DBInstanceClass=db.t4g.large". */
    static List<String> pending(PendingModifiedValues values) {
        List<String> pending = new ArrayList<>();
        if (values == null) {
            return pending;
        }
        for (SdkField<?> field : values.sdkFields()) {
            Object value = field.getValueOrDefault(values);
            if (value == null || value instanceof Collection<?> c && c.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty()) {
                continue;
            }
            pending.add(field.memberName() + "=" + value);
        }
        return pending;
    }
}

package io.tierlift.aws.iaas;

import io.tierlift.aws.rds.AutomatedBackups;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What runs on aws-iaas: each stack's state and outputs in deploy order, the app's Auto Scaling
 * group and its RDS instance with its automated backups (empty when their stack does not exist).
 */
public record IaasStatus(List<StackState> stacks, Optional<AsgHealth> autoScalingGroup, Optional<RdsHealth> database,
                         List<String> missing) {
    public IaasStatus {
        stacks = List.copyOf(stacks);
        missing = List.copyOf(missing);
    }

    public IaasStatus(List<StackState> stacks) {
        this(stacks, Optional.empty(), Optional.empty(), List.of());
    }

    /** {@code status} is empty when the stack does not exist. */
    public record StackState(String key, String name, String region, Optional<String> status, Map<String, String> outputs) {
        public StackState {
            outputs = Map.copyOf(outputs);
        }

        /** A failed operation or a rollback (even a completed one: the wanted change was not applied). */
        public boolean failed() {
            return status.filter(s -> s.contains("FAILED") || s.contains("ROLLBACK")).isPresent();
        }
    }

    /**
     * The app's Auto Scaling group. {@code healthy} counts in-service instances whose health status is
     * Healthy; {@code byLifecycleState} counts every instance by its lifecycle state (InService, Pending, ...).
     */
    public record AsgHealth(String name, int desired, int min, int max, int inService, int healthy,
                            Map<String, Integer> byLifecycleState) {
        public AsgHealth {
            byLifecycleState = Map.copyOf(byLifecycleState);
        }
    }

    /**
     * The app's RDS instance; {@code pendingModifications} as "Field=value", empty when none are pending;
     * {@code backups} the automated backups RDS keeps of it.
     */
    public record RdsHealth(String identifier, String status, boolean multiAz, String engine, String engineVersion,
                            boolean storageEncrypted, boolean deletionProtection, List<String> pendingModifications,
                            AutomatedBackups backups) {
        public RdsHealth {
            pendingModifications = List.copyOf(pendingModifications);
        }

        public boolean available() {
            return "available".equals(status);
        }
    }

    public boolean deployed() {
        return stacks.stream().anyMatch(s -> s.status().isPresent());
    }

    /** Why the target is unhealthy, one line each; empty when it is healthy. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        stacks.stream().filter(StackState::failed)
                .forEach(s -> problems.add("stack " + s.name() + " is " + s.status().orElseThrow()));
        problems.addAll(missing);
        autoScalingGroup.filter(g -> g.inService() < g.desired()).ifPresent(g -> problems.add("Auto Scaling group "
                + g.name() + " has " + g.inService() + " instance(s) in service of " + g.desired() + " desired"));
        database.filter(d -> !d.available()).ifPresent(d -> problems.add("RDS instance " + d.identifier() + " is "
                + d.status() + ", not available"));
        database.ifPresent(d -> problems.addAll(d.backups().problems()));
        return problems;
    }

    public boolean healthy() {
        return problems().isEmpty();
    }
}

package io.tierlift.aws.tier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.aws.iaas.AwsIaasDeployer;
import io.tierlift.aws.iaas.IaasStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** aws-iaas status as the operator reads it: tables of text lines, or one JSON object. */
final class IaasStatusView {
    private IaasStatusView() {
    }

    static List<String> rows(IaasStatus status) {
        List<String> out = new ArrayList<>();
        out.add(String.format("%-10s %-40s %-12s %s", "STACK", "NAME", "REGION", "STATUS"));
        for (IaasStatus.StackState stack : status.stacks()) {
            out.add(String.format("%-10s %-40s %-12s %s", stack.key(), stack.name(), stack.region(), stack.status().orElse("ABSENT")));
            new TreeMap<>(stack.outputs()).forEach((k, v) -> out.add(String.format("    %s = %s", k, v)));
        }
        status.autoScalingGroup().ifPresent(g -> {
            out.add("");
            out.add(String.format("%-40s %7s %4s %4s %10s %8s  %s", "AUTO SCALING GROUP", "DESIRED", "MIN", "MAX", "IN SERVICE",
                    "HEALTHY", "INSTANCES BY STATE"));
            out.add(String.format("%-40s %7d %4d %4d %10d %8d  %s", g.name(), g.desired(), g.min(), g.max(), g.inService(), g.healthy(),
                    g.byLifecycleState().isEmpty() ? "none" : new TreeMap<>(g.byLifecycleState()).entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))));
        });
        status.database().ifPresent(d -> {
            out.add("");
            out.add(String.format("%-40s %-12s %-8s %-14s %-9s %-10s %s", "RDS INSTANCE", "STATUS", "MULTIAZ", "ENGINE", "ENCRYPTED",
                    "PROTECTED", "PENDING"));
            out.add(String.format("%-40s %-12s %-8s %-14s %-9s %-10s %s", d.identifier(), d.status(), d.multiAz(),
                    d.engine() + " " + d.engineVersion(), d.storageEncrypted(), d.deletionProtection(),
                    d.pendingModifications().isEmpty() ? "none" : String.join(", ", d.pendingModifications())));
            out.add("");
            out.addAll(BackupView.rows(d.backups()));
        });
        if (!status.healthy()) {
            out.add("");
            status.problems().forEach(p -> out.add("UNHEALTHY: " + p));
        }
        return out;
    }

    static ObjectNode json(IaasStatus status) {
        ObjectNode root = StatusJson.root(AwsIaasDeployer.TARGET, status.healthy(), status.problems(), status.stacks().stream()
                .map(st -> new StatusJson.Stack(st.key(), st.name(), st.region(), st.status(), st.outputs())).toList());
        if (status.autoScalingGroup().isPresent()) {
            IaasStatus.AsgHealth g = status.autoScalingGroup().get();
            ObjectNode n = root.putObject("autoScalingGroup");
            n.put("name", g.name());
            n.put("desired", g.desired());
            n.put("min", g.min());
            n.put("max", g.max());
            n.put("inService", g.inService());
            n.put("healthy", g.healthy());
            ObjectNode states = n.putObject("instancesByLifecycleState");
            new TreeMap<>(g.byLifecycleState()).forEach(states::put);
        } else {
            root.putNull("autoScalingGroup");
        }
        if (status.database().isPresent()) {
            IaasStatus.RdsHealth d = status.database().get();
            ObjectNode n = root.putObject("database");
            n.put("identifier", d.identifier());
            n.put("status", d.status());
            n.put("multiAz", d.multiAz());
            n.put("engine", d.engine());
            n.put("engineVersion", d.engineVersion());
            n.put("storageEncrypted", d.storageEncrypted());
            n.put("deletionProtection", d.deletionProtection());
            var pending = n.putArray("pendingModifications");
            d.pendingModifications().forEach(pending::add);
            BackupView.json(n, d.backups());
        } else {
            root.putNull("database");
        }
        return root;
    }
}

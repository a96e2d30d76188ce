package io.tierlift.aws;

import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plan of an AWS target from the descriptor alone, with no client and no AWS call: every
 * resource of every template as a creation and every file of the React build as an upload.
 */
public final class OfflineStackPlanner {
    private final TargetPlan target;
    private final List<PlannedChange> tierSteps;

    public OfflineStackPlanner(String target, Clock clock) {
        this(target, clock, List.of());
    }

    /** {@code tierSteps}: the tier's own steps beside stacks and site (a package to build), listed between the two. */
    public OfflineStackPlanner(String target, Clock clock, List<PlannedChange> tierSteps) {
        this.target = new TargetPlan(target, clock);
        this.tierSteps = List.copyOf(tierSteps);
    }

    public Plan plan(AppDescriptor descriptor, StackPlan plan, String digest) {
        List<PlannedChange> changes = new ArrayList<>();
        for (StackSpec spec : plan.stacks()) {
            spec.template().resources().forEach(resource -> changes.add(PlannedChange.of(target.resource(spec, resource.logicalId()),
                    resource.type(), Action.CREATE, "offline: in the template of stack " + spec.name() + " (not compared with AWS)")));
        }
        changes.addAll(tierSteps);
        for (String key : StackSet.siteFiles(descriptor).keySet()) {
            changes.add(PlannedChange.of(target.siteFile(key), "s3-object", Action.CREATE,
                    "offline: upload " + key + " (not compared with the bucket)"));
        }
        return target.plan(descriptor, digest, changes, Map.of());
    }
}

package io.tierlift.aws.cloudformation;

import io.tierlift.plan.Action;
import io.tierlift.plan.PlannedChange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns change-set entries into tierlift's plan model. Replacing or removing a resource that holds
 * data (a database, a bucket, a table) is flagged as data loss so the CLI can ask twice.
 */
public final class PlannedChangeMapper {
    public static final Set<String> STATEFUL_TYPES = Set.of(
            "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::S3::Bucket", "AWS::DynamoDB::Table");

    private final Set<String> statefulTypes;

    public PlannedChangeMapper() {
        this(STATEFUL_TYPES);
    }

    public PlannedChangeMapper(Set<String> statefulTypes) {
        this.statefulTypes = Set.copyOf(statefulTypes);
    }

    public List<PlannedChange> map(ChangeSetPlan plan) {
        List<PlannedChange> out = new ArrayList<>();
        for (ResourceChange change : plan.changes()) {
            out.add(map(plan.stackName(), change));
        }
        return out;
    }

    public PlannedChange map(String stackName, ResourceChange change) {
        List<String> reasons = new ArrayList<>(change.details());
        Action action;
        String summary;
        boolean stateful = statefulTypes.contains(change.resourceType());
        boolean dataLoss = false;
        switch (change.action()) {
            case ADD -> {
                action = Action.CREATE;
                summary = "create";
            }
            case REMOVE -> {
                action = Action.DELETE;
                summary = "delete";
                dataLoss = stateful;
            }
            case MODIFY -> {
                if (change.replacement() == Replacement.TRUE) {
                    action = Action.REPLACE;
                    summary = "replace (new resource, the old one is deleted)";
                    dataLoss = stateful;
                } else if (change.replacement() == Replacement.CONDITIONAL) {
                    // CloudFormation can't tell before running whether this replaces the resource;
                    // show it as an update but warn as if it might, since data may be at stake.
                    action = Action.UPDATE;
                    summary = "update, may replace";
                    reasons.add(0, "replacement depends on values known only during the deploy");
                    dataLoss = stateful;
                } else {
                    action = Action.UPDATE;
                    summary = "update in place";
                }
                if (!change.scope().isEmpty()) {
                    summary = summary + " (" + String.join(", ", change.scope()) + ")";
                }
            }
            case IMPORT -> {
                action = Action.UPDATE;
                summary = "import an existing resource";
            }
            case SYNC_WITH_ACTUAL -> {
                action = Action.UPDATE;
                summary = "sync CloudFormation's record with the live resource";
            }
            default -> {
                action = Action.UPDATE;
                summary = "change decided during the deploy";
                dataLoss = stateful;
            }
        }
        return new PlannedChange(stackName + "/" + change.logicalId(), change.resourceType(), action, summary,
                Optional.empty(), reasons, dataLoss);
    }
}

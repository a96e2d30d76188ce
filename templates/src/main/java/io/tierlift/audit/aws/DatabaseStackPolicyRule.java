package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A stack holding a database carries a stack policy that denies replacing or deleting it: a change
 * that forces replacement (a new engine, identifier or subnet group) would otherwise give the app a
 * new, empty database, and a snapshot on replacement does not keep it serving its data. The rule reads
 * the rendered {@code <stack>.stack-policy.json}, the body the deployer sends with the stack.
 */
final class DatabaseStackPolicyRule extends CfnRule {
    private static final Set<String> DATABASE_TYPES = Set.of("AWS::RDS::DBInstance", "AWS::RDS::DBCluster");

    DatabaseStackPolicyRule() {
        super("aws.database-stack-policy", Severity.HIGH,
                "stacks holding a database carry a stack policy denying Update:Replace and Update:Delete on it",
                "deploy the data stack with a stack policy whose Deny statement names Update:Replace and Update:Delete "
                        + "on LogicalResourceId/<database>; an operator lifts it on purpose for one update");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        Map<String, List<CfnResource>> byStack = new TreeMap<>();
        for (String type : DATABASE_TYPES) {
            templates.ofType(type).forEach(db -> byStack.computeIfAbsent(db.stack(), s -> new ArrayList<>()).add(db));
        }
        byStack.forEach((stack, databases) -> {
            databases.sort(Comparator.comparing(CfnResource::logicalId));
            Optional<JsonNode> policy = templates.stackPolicy(stack);
            if (policy.isEmpty()) {
                findings.add(at(databases.get(0), "stack " + stack + " has no stack policy: an update that replaces the "
                        + "database makes a new, empty one"));
                return;
            }
            for (CfnResource db : databases) {
                for (String action : List.of("Update:Replace", "Update:Delete")) {
                    if (!denied(policy.get(), action, "LogicalResourceId/" + db.logicalId())) {
                        findings.add(at(db, "the stack policy does not deny " + action + " on it"));
                    }
                }
            }
        });
    }

    private static boolean denied(JsonNode policy, String action, String resource) {
        return CfnTemplates.listOf(policy.path("Statement")).stream()
                .filter(s -> s.path("Effect").asText().equals("Deny"))
                .filter(s -> !s.has("Condition"))
                .anyMatch(s -> covers(s.path("Action"), action, "Update:*") && covers(s.path("Resource"), resource, "*"));
    }

    private static boolean covers(JsonNode values, String wanted, String wildcard) {
        return CfnTemplates.listOf(values).stream().map(JsonNode::asText).anyMatch(v -> v.equals(wanted) || v.equals(wildcard));
    }
}

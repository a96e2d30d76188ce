package io.tierlift.render.aws.cfn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The stack policy of a stack that holds a database: updates may change the database in place,
 * never replace or delete it. A change that forces replacement (a new engine, a new identifier)
 * would otherwise make a new, empty database; with the policy CloudFormation refuses the update
 * and rolls it back, and the data stays.
 */
public final class DatabaseStackPolicy {
    /** The resource types that hold the app's data. */
    static final Set<String> DATABASE_TYPES = Set.of("AWS::RDS::DBInstance", "AWS::RDS::DBCluster");

    private DatabaseStackPolicy() {
    }

    /** The logical ids of {@code template}'s database resources: what the policy keeps, sorted. */
    public static List<String> protectedResources(CfnTemplate template) {
        return template.resources().stream().filter(r -> DATABASE_TYPES.contains(r.type()))
                .map(CfnResource::logicalId).sorted().toList();
    }

    /** The policy for {@code template}, empty when it has no database resource. */
    public static Optional<String> of(CfnTemplate template) {
        List<String> databases = protectedResources(template);
        if (databases.isEmpty()) {
            return Optional.empty();
        }
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode policy = mapper.createObjectNode();
        ArrayNode statements = policy.putArray("Statement");
        ObjectNode deny = statements.addObject();
        deny.put("Effect", "Deny");
        deny.put("Principal", "*");
        deny.putArray("Action").add("Update:Replace").add("Update:Delete");
        ArrayNode resources = deny.putArray("Resource");
        databases.forEach(id -> resources.add("LogicalResourceId/" + id));
        // A stack policy denies every update it does not allow: everything else stays updatable.
        ObjectNode allow = statements.addObject();
        allow.put("Effect", "Allow");
        allow.put("Principal", "*");
        allow.put("Action", "Update:*");
        allow.put("Resource", "*");
        return Optional.of(policy.toString());
    }
}

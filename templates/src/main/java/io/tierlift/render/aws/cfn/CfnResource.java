package io.tierlift.render.aws.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One resource of a template with its attributes. Immutable: the {@code with...} methods return
 * copies, so a builder can hand a resource around without anyone changing it behind its back.
 */
public record CfnResource(String logicalId, String type, ObjectNode properties, List<String> dependsOn,
                          Optional<String> condition, Optional<String> deletionPolicy,
                          Optional<String> updateReplacePolicy, Optional<ObjectNode> creationPolicy,
                          Optional<ObjectNode> updatePolicy) {
    public CfnResource {
        if (!logicalId.matches("[A-Za-z0-9]{1,255}")) {
            throw new IllegalArgumentException("logical ids are alphanumeric: " + logicalId);
        }
        properties = properties.deepCopy();
        dependsOn = List.copyOf(dependsOn);
        creationPolicy = creationPolicy.map(ObjectNode::deepCopy);
        updatePolicy = updatePolicy.map(ObjectNode::deepCopy);
    }

    public static CfnResource of(String logicalId, String type, Props properties) {
        return new CfnResource(logicalId, type, properties.toJson(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Override
    public ObjectNode properties() {
        return properties.deepCopy();
    }

    public CfnResource dependingOn(String... logicalIds) {
        List<String> all = new ArrayList<>(dependsOn);
        all.addAll(List.of(logicalIds));
        return new CfnResource(logicalId, type, properties, all, condition, deletionPolicy, updateReplacePolicy,
                creationPolicy, updatePolicy);
    }

    public CfnResource onCondition(String conditionName) {
        return new CfnResource(logicalId, type, properties, dependsOn, Optional.of(conditionName), deletionPolicy,
                updateReplacePolicy, creationPolicy, updatePolicy);
    }

    /**
     * Sets DeletionPolicy and UpdateReplacePolicy together: what happens to a stateful resource's
     * data should not depend on whether it is deleted or replaced.
     */
    public CfnResource onDeleteAndReplace(String policy) {
        return new CfnResource(logicalId, type, properties, dependsOn, condition, Optional.of(policy),
                Optional.of(policy), creationPolicy, updatePolicy);
    }

    /** DeletionPolicy alone, for a resource whose replacement keeps something else ({@link #onReplace}). */
    public CfnResource onDelete(String policy) {
        return new CfnResource(logicalId, type, properties, dependsOn, condition, Optional.of(policy), updateReplacePolicy,
                creationPolicy, updatePolicy);
    }

    /** UpdateReplacePolicy alone: what CloudFormation does with the old resource after making its replacement. */
    public CfnResource onReplace(String policy) {
        return new CfnResource(logicalId, type, properties, dependsOn, condition, deletionPolicy, Optional.of(policy),
                creationPolicy, updatePolicy);
    }

    public CfnResource withCreationPolicy(Props policy) {
        return new CfnResource(logicalId, type, properties, dependsOn, condition, deletionPolicy, updateReplacePolicy,
                Optional.of(policy.toJson()), updatePolicy);
    }

    public CfnResource withUpdatePolicy(Props policy) {
        return new CfnResource(logicalId, type, properties, dependsOn, condition, deletionPolicy, updateReplacePolicy,
                creationPolicy, Optional.of(policy.toJson()));
    }

    public JsonNode ref() {
        return Fn.ref(logicalId);
    }

    public JsonNode att(String attribute) {
        return Fn.getAtt(logicalId, attribute);
    }
}

package io.tierlift.render.aws.cfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CloudFormation template as data: parameters, conditions, resources and outputs, each kept in
 * the order a stack builder added them (grouped by concern, which is how a reviewer reads them).
 * Build one with {@link #builder(String)}.
 */
public record CfnTemplate(String description, Map<String, CfnParameter> parameters, Map<String, JsonNode> conditions,
                          List<CfnResource> resources, List<CfnOutput> outputs) {
    public CfnTemplate {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        Map<String, JsonNode> copiedConditions = new LinkedHashMap<>();
        conditions.forEach((name, condition) -> copiedConditions.put(name, condition.deepCopy()));
        conditions = Collections.unmodifiableMap(copiedConditions);
        resources = List.copyOf(resources);
        outputs = List.copyOf(outputs);
    }

    public static Builder builder(String description) {
        return new Builder(description);
    }

    public Optional<CfnResource> resource(String logicalId) {
        return resources.stream().filter(r -> r.logicalId().equals(logicalId)).findFirst();
    }

    public Optional<CfnOutput> output(String name) {
        return outputs.stream().filter(o -> o.name().equals(name)).findFirst();
    }

    /** Collects the parts of one template; names must be unique across parameters and resources. */
    public static final class Builder {
        private final String description;
        private final Map<String, CfnParameter> parameters = new LinkedHashMap<>();
        private final Map<String, JsonNode> conditions = new LinkedHashMap<>();
        private final Map<String, CfnResource> resources = new LinkedHashMap<>();
        private final Map<String, CfnOutput> outputs = new LinkedHashMap<>();

        private Builder(String description) {
            this.description = description;
        }

        /** Declares a parameter and returns a {@code Ref} to it. */
        public JsonNode parameter(String name, CfnParameter parameter) {
            claim(name);
            parameters.put(name, parameter);
            return Fn.ref(name);
        }

        public Builder condition(String name, JsonNode condition) {
            if (conditions.putIfAbsent(name, condition) != null) {
                throw new IllegalArgumentException("condition " + name + " declared twice");
            }
            return this;
        }

        /** Adds a resource and returns it, so callers can take {@code ref()} / {@code att()} from it. */
        public CfnResource add(CfnResource resource) {
            claim(resource.logicalId());
            resources.put(resource.logicalId(), resource);
            return resource;
        }

        public Builder output(String name, String description, JsonNode value) {
            if (outputs.putIfAbsent(name, new CfnOutput(name, description, value)) != null) {
                throw new IllegalArgumentException("output " + name + " declared twice");
            }
            return this;
        }

        public CfnTemplate build() {
            return new CfnTemplate(description, parameters, conditions, new ArrayList<>(resources.values()),
                    new ArrayList<>(outputs.values()));
        }

        private void claim(String name) {
            if (parameters.containsKey(name) || resources.containsKey(name)) {
                throw new IllegalArgumentException(name + " is already a parameter or resource of this template");
            }
        }
    }
}

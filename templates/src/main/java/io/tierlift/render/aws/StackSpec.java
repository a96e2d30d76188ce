package io.tierlift.render.aws;

import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.DatabaseStackPolicy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One CloudFormation stack to deploy: its short key ({@code network}), full name
 * ({@code notes-prod-network}), region, template, where each parameter comes from, and the
 * capabilities its change sets must acknowledge.
 */
public record StackSpec(String key, String name, String region, CfnTemplate template,
                        Map<String, ParameterSource> parameters, List<String> capabilities) {
    public StackSpec {
        if (!key.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("stack keys are lower-case words: " + key);
        }
        if (!parameters.keySet().equals(template.parameters().keySet())) {
            throw new IllegalArgumentException("stack " + key + ": parameter sources " + new TreeMap<>(parameters).keySet()
                    + " do not match the template's parameters " + new TreeMap<>(template.parameters()).keySet());
        }
        parameters = Collections.unmodifiableMap(new TreeMap<>(parameters));
        capabilities = List.copyOf(capabilities);
    }

    /** Keys of the stacks whose outputs this one needs. */
    public List<String> dependsOn() {
        return parameters.values().stream()
                .filter(ParameterSource.StackOutput.class::isInstance)
                .map(s -> ((ParameterSource.StackOutput) s).stackKey())
                .distinct().sorted().toList();
    }

    public String templateFile() {
        return key + ".template.json";
    }

    public String parametersFile() {
        return key + ".parameters.json";
    }

    /** The stack policy the stack is created and kept with (a stack holding a database has one). */
    public Optional<String> stackPolicy() {
        return DatabaseStackPolicy.of(template);
    }

    public String stackPolicyFile() {
        return key + ".stack-policy.json";
    }
}

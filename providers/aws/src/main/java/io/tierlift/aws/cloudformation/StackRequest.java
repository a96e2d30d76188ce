package io.tierlift.aws.cloudformation;

import software.amazon.awssdk.services.cloudformation.model.Capability;

import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One stack as tierlift wants it. {@code parameterSources} name parameters filled from other
 * stacks' outputs when a group of stacks is deployed in order ({@link StackGroupDeployer});
 * {@code stackPolicy} is the stack policy it must carry, if any (a data stack's), with what it keeps.
 */
public record StackRequest(String stackName, String region, String templateBody, Map<String, String> parameters,
                           Map<String, String> tags, boolean terminationProtection, Set<Capability> capabilities,
                           Map<String, OutputRef> parameterSources, Optional<StackPolicy> stackPolicy) {
    private static final Pattern STACK_NAME = Pattern.compile("[a-zA-Z][-a-zA-Z0-9]{0,127}");
    /** CloudFormation refuses larger inline bodies; bigger templates must be uploaded to S3 first. */
    public static final int MAX_TEMPLATE_BODY_BYTES = 51_200;

    public StackRequest {
        Objects.requireNonNull(stackName, "stackName");
        Objects.requireNonNull(templateBody, "templateBody");
        if (!STACK_NAME.matcher(stackName).matches()) {
            throw new IllegalArgumentException("not a CloudFormation stack name: '" + stackName
                    + "' (letters, digits and '-', starting with a letter, at most 128 characters)");
        }
        // Sorted copies: requests compare and print the same whatever map the caller built.
        parameters = Map.copyOf(new TreeMap<>(parameters));
        tags = Map.copyOf(new TreeMap<>(tags));
        capabilities = Set.copyOf(capabilities);
        parameterSources = Map.copyOf(parameterSources);
        for (String key : parameterSources.keySet()) {
            if (parameters.containsKey(key)) {
                throw new IllegalArgumentException("stack " + stackName + ": parameter " + key
                        + " has both a value and an output source");
            }
        }
    }

    public StackRequest(String stackName, String region, String templateBody, Map<String, String> parameters,
                        Map<String, String> tags, boolean terminationProtection, Set<Capability> capabilities,
                        Map<String, OutputRef> parameterSources) {
        this(stackName, region, templateBody, parameters, tags, terminationProtection, capabilities, parameterSources,
                Optional.empty());
    }

    public StackRequest(String stackName, String region, String templateBody, Map<String, String> parameters,
                        Map<String, String> tags, boolean terminationProtection, Set<Capability> capabilities) {
        this(stackName, region, templateBody, parameters, tags, terminationProtection, capabilities, Map.of());
    }

    /** The same request with the stack policy the stack must carry. */
    public StackRequest withStackPolicy(Optional<StackPolicy> policy) {
        return new StackRequest(stackName, region, templateBody, parameters, tags, terminationProtection, capabilities,
                parameterSources, policy);
    }

    /** The same request with more literal parameters (used once output sources are resolved). */
    public StackRequest withResolvedParameters(Map<String, String> resolved) {
        Map<String, String> all = new TreeMap<>(parameters);
        all.putAll(resolved);
        return new StackRequest(stackName, region, templateBody, all, tags, terminationProtection, capabilities, Map.of(),
                stackPolicy);
    }

    @Override
    public String toString() {
        // Parameters may hold secrets (a database password); keep them out of logs and exceptions.
        return "StackRequest[" + stackName + " in " + region + ", parameters " + parameters.keySet() + "]";
    }
}

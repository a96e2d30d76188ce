package io.tierlift.aws.migrate;

import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads one deployed stack's outputs; a missing stack or output is an error that names it. */
final class StackOutputs {
    private final String stack;
    private final Map<String, String> values;

    private StackOutputs(String stack, Map<String, String> values) {
        this.stack = stack;
        this.values = values;
    }

    static StackOutputs read(CloudFormationClient cfn, String stackName) {
        Stack stack;
        try {
            stack = cfn.describeStacks(r -> r.stackName(stackName)).stacks().stream().findFirst()
                    .orElseThrow(() -> new AwsMigrationException("stack " + stackName + " does not exist: deploy the aws-iaas tier first"));
        } catch (CloudFormationException e) {
            throw new AwsMigrationException("stack " + stackName + " cannot be read: " + e.awsErrorDetails().errorMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Output o : stack.outputs()) {
            values.put(o.outputKey(), o.outputValue());
        }
        return new StackOutputs(stackName, values);
    }

    String get(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new AwsMigrationException("stack " + stack + " has no output " + key + " (outputs: " + values.keySet() + ")");
        }
        return value;
    }
}

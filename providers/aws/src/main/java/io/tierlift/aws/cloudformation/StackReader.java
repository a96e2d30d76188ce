package io.tierlift.aws.cloudformation;

import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsCalls;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.Tag;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a stack as {@link LiveStack}; a stack that does not exist is empty, not an error. */
final class StackReader {
    private final AwsCalls aws = new AwsCalls("CloudFormation");

    Optional<LiveStack> describe(CloudFormationClient cfn, String nameOrId) {
        try {
            List<Stack> stacks = aws.call("DescribeStacks", () -> cfn.describeStacks(b -> b.stackName(nameOrId)).stacks());
            return stacks.stream().findFirst().map(StackReader::toLive);
        } catch (AwsCallException e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** CloudFormation reports a missing stack as a 400 ValidationError "Stack with id X does not exist". */
    static boolean notFound(AwsCallException e) {
        return e.hasCode("ValidationError") && e.getMessage().contains("does not exist");
    }

    private static LiveStack toLive(Stack stack) {
        Map<String, String> parameters = new LinkedHashMap<>();
        Map<String, String> resolved = new LinkedHashMap<>();
        for (Parameter p : stack.parameters()) {
            parameters.put(p.parameterKey(), p.parameterValue() == null ? "" : p.parameterValue());
            if (p.resolvedValue() != null) {
                resolved.put(p.parameterKey(), p.resolvedValue());
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag t : stack.tags()) {
            tags.put(t.key(), t.value());
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Output o : stack.outputs()) {
            outputs.put(o.outputKey(), o.outputValue() == null ? "" : o.outputValue());
        }
        return new LiveStack(stack.stackId(), stack.stackName(), stack.stackStatusAsString(),
                Optional.ofNullable(stack.stackStatusReason()).filter(r -> !r.isBlank()), parameters, resolved, tags,
                outputs, Boolean.TRUE.equals(stack.enableTerminationProtection()),
                stack.creationTime() == null ? Instant.EPOCH : stack.creationTime(),
                Optional.ofNullable(stack.lastUpdatedTime()));
    }
}

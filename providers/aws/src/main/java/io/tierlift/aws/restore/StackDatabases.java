package io.tierlift.aws.restore;

import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsCalls;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackResource;

import java.util.Optional;

/** The database a stack holds now, by its resource list: the outputs name only its endpoint. */
final class StackDatabases {
    private StackDatabases() {
    }

    /** The physical id of the stack's resource of {@code type}; empty when the stack or the resource is not there. */
    static Optional<String> physicalId(AwsCalls calls, CloudFormationClient cfn, String stackName, String type) {
        try {
            return calls.call("DescribeStackResources", () -> cfn.describeStackResources(b -> b.stackName(stackName)).stackResources())
                    .stream().filter(r -> type.equals(r.resourceType())).map(StackResource::physicalResourceId)
                    .filter(id -> id != null && !id.isBlank()).findFirst();
        } catch (AwsCallException e) {
            if (e.hasCode("ValidationError")) {
                return Optional.empty();   // no such stack
            }
            throw e;
        }
    }
}

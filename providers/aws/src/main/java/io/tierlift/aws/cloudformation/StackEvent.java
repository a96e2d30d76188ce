package io.tierlift.aws.cloudformation;

import java.time.Instant;
import java.util.Optional;

/** One line of a stack's event log. */
public record StackEvent(String eventId, Instant timestamp, String logicalId, String resourceType, String status,
                         Optional<String> reason) {

    public boolean isStackItself() {
        return "AWS::CloudFormation::Stack".equals(resourceType);
    }

    public boolean isFailure() {
        return status.endsWith("_FAILED");
    }

    /** "CREATE_FAILED AWS::S3::Bucket SiteBucket: reason" */
    public String describe() {
        return status + " " + resourceType + " " + logicalId + reason.map(r -> ": " + r).orElse("");
    }
}

package io.tierlift.aws.cloudformation;

import java.util.Objects;

/** A stack parameter whose value is another stack's output, e.g. the network stack's VpcId. */
public record OutputRef(String stackName, String outputKey) {
    public OutputRef {
        Objects.requireNonNull(stackName, "stackName");
        Objects.requireNonNull(outputKey, "outputKey");
    }

    @Override
    public String toString() {
        return stackName + "." + outputKey;
    }
}

package io.tierlift.aws.cloudformation;

import java.util.Optional;

/**
 * A stack operation that did not reach its goal. When CloudFormation reported why, {@code rootCause}
 * is the first resource failure (not the cascade of "Resource creation cancelled" after it).
 */
public class StackDeployException extends RuntimeException {
    private final String stackName;
    private final Optional<String> stackStatus;
    private final Optional<StackEvent> rootCause;

    public StackDeployException(String stackName, String message) {
        this(stackName, Optional.empty(), Optional.empty(), message, null);
    }

    public StackDeployException(String stackName, String message, Throwable cause) {
        this(stackName, Optional.empty(), Optional.empty(), message, cause);
    }

    public StackDeployException(String stackName, Optional<String> stackStatus, Optional<StackEvent> rootCause,
                                String message, Throwable cause) {
        super(message, cause);
        this.stackName = stackName;
        this.stackStatus = stackStatus;
        this.rootCause = rootCause;
    }

    public String stackName() {
        return stackName;
    }

    public Optional<String> stackStatus() {
        return stackStatus;
    }

    public Optional<StackEvent> rootCause() {
        return rootCause;
    }
}

package io.tierlift.aws.client;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Optional;

/**
 * An AWS call that failed for good (after the SDK's retries), with a message that reads on its own:
 * "CloudFormation DescribeStacks failed after 3 attempts: Throttling: Rate exceeded".
 */
public class AwsCallException extends RuntimeException {
    private final String service;
    private final String operation;
    private final Optional<String> errorCode;
    private final int statusCode;
    private final int attempts;

    public AwsCallException(String service, String operation, Optional<String> errorCode, int statusCode, int attempts,
                            String detail, Throwable cause) {
        super(service + " " + operation + " failed" + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": "
                + errorCode.map(code -> code + ": ").orElse("") + detail, cause);
        this.service = service;
        this.operation = operation;
        this.errorCode = errorCode;
        this.statusCode = statusCode;
        this.attempts = attempts;
    }

    public static AwsCallException of(String service, String operation, SdkException e) {
        int attempts = e.numAttempts() == null ? 1 : e.numAttempts();
        if (e instanceof AwsServiceException aws) {
            var details = aws.awsErrorDetails();
            Optional<String> code = Optional.ofNullable(details == null ? null : details.errorCode()).filter(c -> !c.isBlank());
            String message = details != null && details.errorMessage() != null ? details.errorMessage()
                    : "HTTP " + aws.statusCode();
            return new AwsCallException(service, operation, code, aws.statusCode(), attempts, message, e);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
        return new AwsCallException(service, operation, Optional.empty(), 0, attempts, message, e);
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    public String service() {
        return service;
    }

    public String operation() {
        return operation;
    }

    /** The AWS error code, e.g. ValidationError, Throttling, AccessDenied; empty for network failures. */
    public Optional<String> errorCode() {
        return errorCode;
    }

    /** The HTTP status of the last attempt; 0 when no response arrived. */
    public int statusCode() {
        return statusCode;
    }

    public int attempts() {
        return attempts;
    }

    public boolean hasCode(String code) {
        return errorCode.filter(code::equals).isPresent();
    }
}

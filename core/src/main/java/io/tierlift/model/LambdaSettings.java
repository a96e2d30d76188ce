package io.tierlift.model;

import java.util.Optional;

/** Lambda function settings of the aws-serverless tier. */
public record LambdaSettings(int memoryMb, int timeoutSeconds, Optional<Integer> reservedConcurrency,
                             String architecture) {
}

package io.tierlift.aws.client;

import software.amazon.awssdk.core.exception.SdkException;

import java.util.function.Supplier;

/** Runs SDK calls of one service and turns their failures into {@link AwsCallException}s. */
public final class AwsCalls {
    private final String service;

    public AwsCalls(String service) {
        this.service = service;
    }

    public <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw AwsCallException.of(service, operation, e);
        }
    }
}

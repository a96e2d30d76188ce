package io.tierlift.aws.testing;

import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.client.AwsSettings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Client settings for WireMock and moto: fixed region, static credentials (the default chain
 * could probe instance metadata and stall), the local endpoint, few retries with millisecond
 * backoff, and short timeouts so a broken stub fails the test instead of hanging it.
 */
public final class LocalAws {
    public static final String REGION = "us-east-1";

    private LocalAws() {
    }

    public static AwsSettings settings(URI endpoint, int maxAttempts) {
        return AwsSettings.defaults()
                .withRegion(REGION)
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .withEndpoint(endpoint)
                .withRetries(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(5))
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** Clients that see no AWS_* variables of the machine running the tests. */
    public static AwsClients clients(URI endpoint, int maxAttempts) {
        return new AwsClients(settings(endpoint, maxAttempts), Map.<String, String>of()::get);
    }
}

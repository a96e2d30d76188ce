package io.tierlift.aws.client;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How tierlift talks to AWS. {@code profile} and {@code region} are the CLI's {@code --profile} and
 * {@code --region}; when absent the SDK's own chains decide (AWS_PROFILE, AWS_REGION, config files,
 * SSO, instance metadata). {@code endpoint} and {@code credentials} exist for tests that point the
 * clients at WireMock or moto programmatically; operators use the SDK's standard variables
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_CLOUDFORMATION, ...) instead, which the SDK reads by itself.
 */
public record AwsSettings(Optional<String> profile,
                          Optional<String> region,
                          int maxAttempts,
                          Duration retryBaseDelay,
                          Duration retryMaxDelay,
                          Duration apiCallTimeout,
                          Duration apiCallAttemptTimeout,
                          Duration transferTimeout,
                          Duration connectTimeout,
                          Optional<URI> endpoint,
                          Optional<AwsCredentialsProvider> credentials) {

    public AwsSettings {
        Objects.requireNonNull(profile);
        Objects.requireNonNull(region);
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(credentials);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    /**
     * Production defaults. CloudFormation's control plane throttles at a few calls per second per
     * account, so retries back off up to 20 s; calls that outlive their timeout fail rather than hang.
     */
    public static AwsSettings defaults() {
        return new AwsSettings(Optional.empty(), Optional.empty(), 8,
                Duration.ofMillis(500), Duration.ofSeconds(20),
                Duration.ofMinutes(3), Duration.ofSeconds(30),
                Duration.ofMinutes(15), Duration.ofSeconds(10),
                Optional.empty(), Optional.empty());
    }

    /**
     * The defaults with {@code --profile}/{@code --region} (null: absent) and what the environment map
     * sets: AWS_ENDPOINT_URL as the endpoint, AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY as static
     * credentials. AWS_REGION is left to {@link AwsClients}, which reads it from the same map when
     * neither --region nor the descriptor names a region. A test's map thus reaches every client
     * as the real environment would.
     */
    public static AwsSettings fromEnvironment(Map<String, String> env, String profile, String region) {
        AwsSettings settings = defaults().withProfile(profile).withRegion(region);
        Optional<URI> endpoint = nonBlank(env, "AWS_ENDPOINT_URL").map(URI::create);
        if (endpoint.isPresent()) {
            settings = settings.withEndpoint(endpoint.get());
        }
        Optional<String> key = nonBlank(env, "AWS_ACCESS_KEY_ID");
        Optional<String> secret = nonBlank(env, "AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() && secret.isPresent()) {
            settings = settings.withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.get(), secret.get())));
        }
        return settings;
    }

    private static Optional<String> nonBlank(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }

    /** True when the clients talk to an emulator (an endpoint override): polls can then be short. */
    public boolean emulated() {
        return endpoint.isPresent();
    }

    public AwsSettings withProfile(String value) {
        return new AwsSettings(Optional.ofNullable(value), region, maxAttempts, retryBaseDelay, retryMaxDelay,
                apiCallTimeout, apiCallAttemptTimeout, transferTimeout, connectTimeout, endpoint, credentials);
    }

    public AwsSettings withRegion(String value) {
        return new AwsSettings(profile, Optional.ofNullable(value), maxAttempts, retryBaseDelay, retryMaxDelay,
                apiCallTimeout, apiCallAttemptTimeout, transferTimeout, connectTimeout, endpoint, credentials);
    }

    public AwsSettings withRetries(int attempts, Duration baseDelay, Duration maxDelay) {
        return new AwsSettings(profile, region, attempts, baseDelay, maxDelay,
                apiCallTimeout, apiCallAttemptTimeout, transferTimeout, connectTimeout, endpoint, credentials);
    }

    public AwsSettings withTimeouts(Duration callTimeout, Duration attemptTimeout, Duration transfer) {
        return new AwsSettings(profile, region, maxAttempts, retryBaseDelay, retryMaxDelay,
                callTimeout, attemptTimeout, transfer, connectTimeout, endpoint, credentials);
    }

    public AwsSettings withEndpoint(URI value) {
        return new AwsSettings(profile, region, maxAttempts, retryBaseDelay, retryMaxDelay,
                apiCallTimeout, apiCallAttemptTimeout, transferTimeout, connectTimeout, Optional.ofNullable(value), credentials);
    }

    public AwsSettings withCredentials(AwsCredentialsProvider value) {
        return new AwsSettings(profile, region, maxAttempts, retryBaseDelay, retryMaxDelay,
                apiCallTimeout, apiCallAttemptTimeout, transferTimeout, connectTimeout, endpoint, Optional.ofNullable(value));
    }
}

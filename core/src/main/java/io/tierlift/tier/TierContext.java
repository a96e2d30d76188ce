package io.tierlift.tier;

import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Progress;
import io.tierlift.secret.LocalSecretResolver;
import io.tierlift.secret.SecretResolver;
import io.tierlift.secret.SecretUnavailableException;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What every provider builds its tiers from: the process environment as a map (tests pass their
 * own), where progress goes, the clock, and the tool's version (tagged on what the tiers create).
 * Each provider's factory adds the parts tests replace.
 */
public record TierContext(Map<String, String> environment, Progress progress, Clock clock, String version) {
    public TierContext {
        environment = Map.copyOf(environment);
        Objects.requireNonNull(version);
        Objects.requireNonNull(progress);
        Objects.requireNonNull(clock);
    }

    /**
     * The descriptor's secret references read from the environment and files next to it. AWS
     * Secrets Manager references are read by the AWS tiers' own resolvers only.
     */
    public SecretResolver secretsFor(AppDescriptor descriptor) {
        return new LocalSecretResolver(environment, descriptor.baseDir(), ref -> {
            throw new SecretUnavailableException(ref, "AWS Secrets Manager references are resolved by the AWS targets only");
        });
    }
}

package io.tierlift.tier;

import io.tierlift.model.AppDescriptor;

import java.util.Objects;
import java.util.Optional;

/**
 * What one command opens a tier for: the loaded descriptor, and the cloud account options of the
 * command line ({@code --profile}, {@code --region}), which only tiers declaring
 * {@link Operation#ACCOUNT_OPTIONS} accept.
 */
public record TierScope(AppDescriptor descriptor, Optional<String> profile, Optional<String> region) {
    public TierScope {
        Objects.requireNonNull(descriptor);
        Objects.requireNonNull(profile);
        Objects.requireNonNull(region);
    }

    public static TierScope of(AppDescriptor descriptor) {
        return new TierScope(descriptor, Optional.empty(), Optional.empty());
    }
}

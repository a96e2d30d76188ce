package io.tierlift.cli.command;

import io.tierlift.model.AppDescriptor;
import io.tierlift.tier.Operation;
import io.tierlift.tier.TierScope;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Optional;

/** --profile and --region, shared by the commands that talk to a cloud; only the tiers declaring them accept them. */
public final class AccountOptions {
    @Option(names = "--profile", paramLabel = "NAME", description = "AWS profile (default: the SDK's chain).")
    String profile;
    @Option(names = "--region", paramLabel = "REGION", description = "AWS region, overriding the descriptor's.")
    String region;

    /** {@link Operation#ACCOUNT_OPTIONS} when either option was given. */
    List<Operation> operations() {
        return profile != null || region != null ? List.of(Operation.ACCOUNT_OPTIONS) : List.of();
    }

    TierScope scope(AppDescriptor descriptor) {
        return new TierScope(descriptor, Optional.ofNullable(profile), Optional.ofNullable(region));
    }
}

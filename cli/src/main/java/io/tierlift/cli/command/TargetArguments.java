package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.DescriptorDigest;
import io.tierlift.cli.TargetConverter;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.provider.Target;
import io.tierlift.tier.Operation;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierScope;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.function.Function;

/**
 * The TARGET and descriptor of a command that works on one tier, and the one way such a command
 * reaches it: refuse what the tier does not declare before reading anything, load the descriptor,
 * open the tier, run one verb, close it.
 */
public final class TargetArguments {
    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class,
            description = "onprem, aws-iaas or aws-serverless.")
    Target target;

    @Mixin
    DescriptorOptions descriptor;

    Target target() {
        return target;
    }

    DescriptorOptions descriptor() {
        return descriptor;
    }

    /** Exit 64 naming the tiers that have it when the target lacks one of {@code asked}. */
    void refuseUnsupported(Application app, Operation... asked) {
        app.tiers().require(target, asked);
    }

    /** The descriptor, its warnings printed to stderr (they never change the exit code). */
    LoadedDescriptor load(Application app) {
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        Warnings.print(app.console(), loaded);
        return loaded;
    }

    /** Runs {@code verb} on the target's tier opened for {@code scope}, closing its clients after. */
    <T> T onTier(Application app, TierScope scope, Operation[] asked, Function<Tier, T> verb) {
        try (Tier tier = app.tiers().open(target, scope, asked)) {
            return verb.apply(tier);
        }
    }

    /** Identifies the descriptor a plan was made from, so a saved plan applies only to it. */
    String digest() {
        return DescriptorDigest.of(descriptor.file(), descriptor.environment());
    }
}

package io.tierlift.cli;

import io.tierlift.aws.serverless.ReleaseInvoker;
import io.tierlift.aws.tier.AwsTierFactories;
import io.tierlift.onprem.tier.ConnectorFactory;
import io.tierlift.onprem.tier.OnpremTierFactory;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFactory;
import io.tierlift.tier.TierRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registry of tiers: the one place that decides which provider serves each target. The
 * replaceable parts (SSH connector, Lambda release invoker) are parameters, so tests build the
 * same registry with their own.
 */
public final class Tiers {
    private Tiers() {
    }

    /** Production: SSH through JSch, release commands through Lambda's Invoke. */
    public static TierRegistry standard(TierContext context) {
        return with(context, ConnectorFactory.jsch(), Optional.empty());
    }

    public static TierRegistry with(TierContext context, ConnectorFactory connectors, Optional<ReleaseInvoker> releaseInvoker) {
        AwsTierFactories aws = new AwsTierFactories(context, releaseInvoker);
        List<TierFactory> factories = new ArrayList<>();
        factories.add(new OnpremTierFactory(context, connectors, aws.dnsRecords()));
        factories.addAll(aws.factories());
        return new TierRegistry(factories);
    }
}

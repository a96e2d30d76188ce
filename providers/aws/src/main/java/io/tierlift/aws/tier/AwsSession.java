package io.tierlift.aws.tier;

import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.client.AwsSettings;
import io.tierlift.aws.cloudformation.DeployerSettings;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudfront.CloudFrontInvalidator;
import io.tierlift.aws.cloudfront.InvalidationSettings;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierScope;

import java.time.Duration;

/**
 * The AWS clients of one tier, with the CloudFormation and CloudFront helpers both AWS tiers use.
 * Clients are made on first call, so building this contacts nothing.
 */
final class AwsSession implements AutoCloseable {
    final TierContext context;
    final AwsSettings settings;
    final AwsClients clients;
    final DeployerSettings deployerSettings;
    final StackDeployer stacks;
    final CloudFrontInvalidator invalidator;

    AwsSession(TierContext context, TierScope scope) {
        this.context = context;
        this.settings = AwsSettings.fromEnvironment(context.environment(), scope.profile().orElse(null), scope.region().orElse(null));
        this.clients = new AwsClients(settings, context.environment()::get);
        DeployerSettings deployer = DeployerSettings.defaults();
        InvalidationSettings invalidation = InvalidationSettings.defaults();
        if (settings.emulated()) {
            // Emulators answer at once; don't wait seconds between polls.
            deployer = deployer.withPollInterval(Duration.ofMillis(100));
            invalidation = invalidation.withPolling(Duration.ofMillis(100), Duration.ofMinutes(1));
        }
        this.deployerSettings = deployer;
        this.stacks = new StackDeployer(clients::cloudFormation, deployer, context.progress(), Sleeper.system(), context.clock());
        this.invalidator = new CloudFrontInvalidator(clients::cloudFront, invalidation, context.progress(), Sleeper.system(),
                context.clock());
    }

    @Override
    public void close() {
        clients.close();
    }
}

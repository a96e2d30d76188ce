package io.tierlift.aws.tier;

import io.tierlift.aws.serverless.LambdaReleaseInvoker;
import io.tierlift.aws.serverless.ReleaseInvoker;
import io.tierlift.provider.Target;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import io.tierlift.render.aws.serverless.AwsServerlessRenderer;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.tier.DnsRecords;
import io.tierlift.tier.Operation;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFactory;
import io.tierlift.tier.TierScope;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The two AWS tiers, built from the provider's context: the common {@link TierContext} and, for
 * aws-serverless, how the release command reaches the function (Lambda's Invoke; tests against
 * emulators that run no Lambda code pass their own {@link ReleaseInvoker}).
 */
public final class AwsTierFactories {
    /** What both AWS tiers do: no saved plans, leases or host keys (those are on-prem's). */
    private static final Set<Operation> COMMON = EnumSet.of(Operation.RENDER, Operation.DIAGRAM, Operation.PLAN, Operation.PLAN_OFFLINE,
            Operation.DEPLOY, Operation.STATUS, Operation.DESTROY, Operation.DESTROY_DATA, Operation.MIGRATE,
            Operation.ACCOUNT_OPTIONS, Operation.MAINTENANCE, Operation.LOGS, Operation.LOGS_FOLLOW);

    private final TierContext context;
    private final Optional<ReleaseInvoker> releaseInvoker;
    private FreemarkerEngine engine;

    public AwsTierFactories(TierContext context) {
        this(context, Optional.empty());
    }

    /** {@code releaseInvoker}: replaces Lambda's Invoke for the release command (tests). */
    public AwsTierFactories(TierContext context, Optional<ReleaseInvoker> releaseInvoker) {
        this.context = context;
        this.releaseInvoker = releaseInvoker;
    }

    /** The descriptor's DNS record through Route 53: every tier's takeTraffic uses it, on-prem's too. */
    public DnsRecords dnsRecords() {
        return descriptor -> DnsTrafficSwitch.open(context, descriptor).map(dns -> dns);
    }

    public List<TierFactory> factories() {
        return List.of(iaas(), serverless());
    }

    public TierFactory iaas() {
        // deploy --rollback: the compute stack back to an earlier release artifact (a new launch template version).
        // exec: SSM Run Command on one instance, so piped only (no terminal).
        return new Factory(Target.AWS_IAAS, with(Operation.DEPLOY_ROLLBACK, Operation.RELEASES, Operation.STATUS_JSON, Operation.REFRESH_IMAGE,
                Operation.DEPLOY_ALLOW_DATABASE_REPLACEMENT, Operation.RESTORE, Operation.RESTORE_FINALIZE, Operation.EXEC),
                scope -> new AwsIaasTier(context, scope, new AwsIaasRenderer(engine(), new CfnJson()), dnsRecords(),
                        OriginNameCheck.NameResolver.system()));
    }

    public TierFactory serverless() {
        Function<Function<String, LambdaClient>, ReleaseInvoker> invokers = releaseInvoker
                .<Function<Function<String, LambdaClient>, ReleaseInvoker>>map(invoker -> lambda -> invoker)
                .orElse(LambdaReleaseInvoker::new);
        // deploy --rollback: the Lambda alias back to the version it served before, or the one named.
        // exec: a one-off invocation, so piped only (no terminal).
        return new Factory(Target.AWS_SERVERLESS, with(Operation.DEPLOY_ROLLBACK, Operation.RELEASES, Operation.STATUS_JSON, Operation.RESTORE,
                        Operation.RESTORE_FINALIZE, Operation.EXEC),
                scope -> new AwsServerlessTier(context, scope, new AwsServerlessRenderer(engine(), new CfnJson()), dnsRecords(),
                        invokers));
    }

    private static Set<Operation> with(Operation... extra) {
        Set<Operation> operations = EnumSet.copyOf(COMMON);
        operations.addAll(List.of(extra));
        return Set.copyOf(operations);
    }

    /** One template engine for both renderers, made on first use (validate and schema need none). */
    private synchronized FreemarkerEngine engine() {
        if (engine == null) {
            engine = new FreemarkerEngine();
        }
        return engine;
    }

    private record Factory(Target target, Set<Operation> operations, Function<TierScope, Tier> opener) implements TierFactory {
        @Override
        public Tier open(TierScope scope) {
            return opener.apply(scope);
        }
    }
}

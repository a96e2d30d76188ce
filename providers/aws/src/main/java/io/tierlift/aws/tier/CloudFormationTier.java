package io.tierlift.aws.tier;

import io.tierlift.audit.AuditRule;
import io.tierlift.audit.aws.CloudFormationRules;
import io.tierlift.diagram.AwsDiagram;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderProvider;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.tier.DnsRecords;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierScope;

import java.util.List;

/**
 * What both AWS tiers share: they are a set of CloudFormation stacks rendered from the descriptor,
 * audited by the CloudFormation rules and drawn from those stacks. Each verb opens and closes its
 * own AWS clients, so there is nothing to close on the tier itself.
 */
abstract class CloudFormationTier implements Tier {
    protected final TierContext context;
    protected final TierScope scope;
    protected final AppDescriptor descriptor;
    protected final DnsRecords dns;
    private final RenderProvider renderer;

    CloudFormationTier(TierContext context, TierScope scope, RenderProvider renderer, DnsRecords dns) {
        this.context = context;
        this.scope = scope;
        this.descriptor = scope.descriptor();
        this.renderer = renderer;
        this.dns = dns;
    }

    /** The stacks, their order and how outputs feed parameters, for this descriptor. */
    protected abstract StackPlan stackPlan();

    @Override
    public RenderProvider renderer() {
        return renderer;
    }

    @Override
    public List<AuditRule> auditRules() {
        return new CloudFormationRules().all();
    }

    @Override
    public String diagram() {
        return new AwsDiagram().mermaid(stackPlan(), descriptor.backend().port(), descriptor.database().port());
    }

    /** {@code logs} from {@code groups} in {@code region}, polled every 2 s when following (at once on an emulator). */
    protected void readLogs(String region, List<io.tierlift.aws.logs.CloudWatchLogReader.Group> groups,
                            io.tierlift.tier.LogsRequest request, io.tierlift.tier.LogSink sink) {
        try (AwsSession session = new AwsSession(context, scope)) {
            java.time.Duration poll = java.time.Duration.ofMillis(session.settings.emulated() ? 200 : 2000);
            AwsFailures.run(() -> new io.tierlift.aws.logs.CloudWatchLogReader(() -> session.clients.cloudWatchLogs(region),
                    context.clock(), poll).read(groups, request, sink));
        }
    }

    @Override
    public void close() {
        // A migration tier closes its own clients.
    }
}

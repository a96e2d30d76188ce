package io.tierlift.aws.tier;

import io.tierlift.audit.AuditRule;
import io.tierlift.audit.aws.CloudFormationRules;
import io.tierlift.aws.StackSet;
import io.tierlift.aws.logs.CloudWatchLogReader;
import io.tierlift.diagram.AwsDiagram;
import io.tierlift.logs.LogRole;
import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.RenderProvider;
import io.tierlift.release.FrontendBuild;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.iaas.StackNames;
import io.tierlift.render.aws.iaas.WafStack;
import io.tierlift.tier.DnsRecords;
import io.tierlift.tier.LogSink;
import io.tierlift.tier.LogsRequest;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFailure;
import io.tierlift.tier.TierScope;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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

    /**
     * {@code logs} from the groups {@code groups} names (in {@code region} unless a group names its
     * own), polled every 2 s when following (at once on an emulator).
     */
    protected void readLogs(String region, Function<AwsSession, List<CloudWatchLogReader.Group>> groups,
                            LogsRequest request, LogSink sink) {
        try (AwsSession session = new AwsSession(context, scope)) {
            Duration poll = Duration.ofMillis(session.settings.emulated() ? 200 : 2000);
            AwsFailures.run(() -> new CloudWatchLogReader(session.clients::cloudWatchLogs, region, context.clock(), poll)
                    .read(groups.apply(session), request, sink));
        }
    }

    /**
     * PostgreSQL's log group, which RDS names after the instance or cluster and the data stack's output
     * records, and the WAF's, in the WAF's region. Both may be missing: RDS makes its group with the
     * first log it exports, and a tier deployed by an earlier version of tierlift has neither.
     */
    protected List<CloudWatchLogReader.Group> databaseAndWafGroups(AwsSession session, StackNames names, String region,
                                                                   LogsRequest request) {
        List<CloudWatchLogReader.Group> groups = new ArrayList<>();
        String dataStack = names.stack(StackSet.DATA_STACK);
        Optional<String> database = session.stacks.status(dataStack, region)
                .filter(live -> !live.status().startsWith("DELETE_"))
                .map(live -> live.outputs().get(StackNames.DB_LOG_GROUP_OUTPUT));
        if (database.isPresent()) {
            groups.add(new CloudWatchLogReader.Group(database.get(), "postgresql", LogRole.DB, false, Optional.empty(), true));
        } else if (request.role().equals(Optional.of(LogRole.DB))) {
            throw new TierFailure("stack " + dataStack + " in " + region + " does not name PostgreSQL's log group (output "
                    + StackNames.DB_LOG_GROUP_OUTPUT + "): deploy " + target().key() + " first, or again if an earlier version "
                    + "of tierlift deployed it");
        }
        groups.add(new CloudWatchLogReader.Group(names.wafLogGroup(), "waf", LogRole.WAF, false, Optional.of(WafStack.REGION), true));
        return groups;
    }

    /**
     * The frontend build every tier publishes ({@link FrontendBuild}: rebuilt when stale or of unknown
     * origin, records in the operator's cache), made before a plan lists or a deploy uploads the
     * site; the change a plan shows when it built.
     */
    protected Optional<PlannedChange> buildFrontend(boolean noBuild) {
        return AwsFailures.call(() -> frontendBuild().prepare(descriptor, noBuild))
                .map(why -> FrontendBuild.planned(target().key(), descriptor, why));
    }

    /** What an offline plan shows of the build: whether one would run, and why, with nothing built. */
    protected Optional<PlannedChange> frontendWouldBuild(boolean noBuild) {
        return AwsFailures.call(() -> frontendBuild().wouldBuild(descriptor, noBuild))
                .map(why -> FrontendBuild.planned(target().key(), descriptor, "would run: " + why));
    }

    private FrontendBuild frontendBuild() {
        return new FrontendBuild(new ProcessCommandRunner(), context.progress(), FrontendBuild.defaultCacheDir());
    }

    /** {@code plan} with {@code build} listed first. */
    protected static Plan withBuild(Optional<PlannedChange> build, Plan plan) {
        return build.map(plan::withFirst).orElse(plan);
    }

    @Override
    public void close() {
        // A migration tier closes its own clients.
    }
}

package io.tierlift.onprem.tier;

import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.Target;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.OnpremRenderer;
import io.tierlift.render.onprem.app.AppServerRenderer;
import io.tierlift.render.onprem.backup.BackupRenderer;
import io.tierlift.render.onprem.database.DatabaseRenderer;
import io.tierlift.render.onprem.edge.EdgeRenderer;
import io.tierlift.render.onprem.firewall.FirewallRenderer;
import io.tierlift.tier.DnsRecords;
import io.tierlift.tier.Operation;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFactory;
import io.tierlift.tier.TierScope;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The on-prem tier: hosts reached over SSH. Everything a command needs is built here from the
 * provider's context, the SSH connector factory (tests replace it) and the managed DNS record.
 */
public final class OnpremTierFactory implements TierFactory {
    /** What the on-prem tier does today; the AWS account options it does not have. */
    private static final Set<Operation> OPERATIONS = EnumSet.of(Operation.RENDER, Operation.DIAGRAM, Operation.PLAN, Operation.PLAN_OFFLINE,
            Operation.DEPLOY, Operation.DEPLOY_SAVED_PLAN, Operation.DEPLOY_ROLLBACK, Operation.RELEASES, Operation.DEPLOY_BREAK_LOCK,
            Operation.ACCEPT_NEW_HOST_KEYS, Operation.STATUS, Operation.STATUS_JSON, Operation.FAILOVER, Operation.MIGRATE,
            Operation.BACKUP_NOW, Operation.BACKUP_LIST, Operation.RESTORE, Operation.RESTORE_IN_PLACE, Operation.RESTORE_FINALIZE,
            Operation.WAF_REPORT, Operation.MAINTENANCE, Operation.DESTROY, Operation.DESTROY_DATA, Operation.LOGS, Operation.LOGS_FOLLOW,
            Operation.EXEC, Operation.EXEC_INTERACTIVE, Operation.DB_SHELL);

    private final TierContext context;
    private final ConnectorFactory connectors;
    private final DnsRecords dns;
    private RenderProvider renderer;

    public OnpremTierFactory(TierContext context, ConnectorFactory connectors, DnsRecords dns) {
        this.context = context;
        this.connectors = connectors;
        this.dns = dns;
    }

    @Override
    public Target target() {
        return Target.ONPREM;
    }

    @Override
    public Set<Operation> operations() {
        return Set.copyOf(OPERATIONS);
    }

    @Override
    public Tier open(TierScope scope) {
        return new OnpremTier(scope.descriptor(), context, connectors, dns, renderer());
    }

    /** Built on first use and kept: its templates are parsed once per process. */
    private synchronized RenderProvider renderer() {
        if (renderer == null) {
            FreemarkerEngine engine = new FreemarkerEngine();
            renderer = OnpremRenderer.allRoles(engine);
        }
        return renderer;
    }
}

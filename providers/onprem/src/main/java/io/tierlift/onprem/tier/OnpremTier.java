package io.tierlift.onprem.tier;

import io.tierlift.audit.AuditRule;
import io.tierlift.audit.onprem.OnpremRules;
import io.tierlift.diagram.OnpremDiagram;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.OnpremTarget;
import io.tierlift.onprem.deploy.DeployCancelledException;
import io.tierlift.onprem.deploy.DeployOptions;
import io.tierlift.onprem.deploy.DeployReport;
import io.tierlift.onprem.deploy.HostFailure;
import io.tierlift.onprem.deploy.HostStatus;
import io.tierlift.onprem.deploy.OnpremDeployer;
import io.tierlift.onprem.deploy.OnpremFailover;
import io.tierlift.onprem.deploy.OnpremPlanner;
import io.tierlift.onprem.deploy.OnpremRestore;
import io.tierlift.onprem.deploy.StalePlanException;
import io.tierlift.onprem.ssh.SshException;
import io.tierlift.plan.Plan;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.Target;
import io.tierlift.release.FrontendBuild;
import io.tierlift.release.ReleaseException;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.render.onprem.edge.EdgeTopology;
import io.tierlift.render.onprem.firewall.TopologyFlows;
import io.tierlift.secret.SecretView;
import io.tierlift.tier.DeployOutcome;
import io.tierlift.tier.DeployRequest;
import io.tierlift.tier.DestroyOutcome;
import io.tierlift.tier.DestroyPreview;
import io.tierlift.tier.DestroyRequest;
import io.tierlift.tier.DnsRecords;
import io.tierlift.tier.FailoverOutcome;
import io.tierlift.tier.MaintenanceOutcome;
import io.tierlift.tier.MaintenanceRequest;
import io.tierlift.tier.MigrationRequest;
import io.tierlift.tier.MigrationTier;
import io.tierlift.tier.PlanRequest;
import io.tierlift.tier.ReleaseEntry;
import io.tierlift.tier.RollbackChoice;
import io.tierlift.tier.RestoreOutcome;
import io.tierlift.tier.RestorePreview;
import io.tierlift.tier.RestoreRequest;
import io.tierlift.tier.StatusReport;
import io.tierlift.tier.StatusRequest;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFailure;
import io.tierlift.tier.TranslatingMigrationTier;
import io.tierlift.tier.WafReportRequest;
import io.tierlift.onprem.logs.OnpremLogs;
import io.tierlift.onprem.waf.OnpremWaf;
import io.tierlift.onprem.destroy.OnpremTeardown;
import io.tierlift.onprem.destroy.TeardownPlan;
import io.tierlift.tier.LogSink;
import io.tierlift.tier.LogsRequest;
import io.tierlift.database.DbEndpoint;
import io.tierlift.database.LocalPsql;
import io.tierlift.model.Database;
import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.ExecCommands;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.AttachedExec;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.tier.DbShellRequest;
import io.tierlift.tier.ExecOutcome;
import io.tierlift.tier.ExecRequest;
import io.tierlift.waf.WafReport;

import java.nio.file.Path;
import io.tierlift.onprem.deploy.OnpremBackups;
import io.tierlift.tier.BackupEntry;
import io.tierlift.tier.BackupType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The on-prem tier for one descriptor: the deployer, planner and failover over SSH. */
final class OnpremTier implements Tier {
    private final AppDescriptor descriptor;
    private final TierContext context;
    private final ConnectorFactory connectors;
    private final DnsRecords dns;
    private final RenderProvider renderer;
    private OnpremRestore restores;

    OnpremTier(AppDescriptor descriptor, TierContext context, ConnectorFactory connectors, DnsRecords dns, RenderProvider renderer) {
        this.descriptor = descriptor;
        this.context = context;
        this.connectors = connectors;
        this.dns = dns;
        this.renderer = renderer;
    }

    @Override
    public Target target() {
        return Target.ONPREM;
    }

    @Override
    public RenderProvider renderer() {
        return renderer;
    }

    @Override
    public List<AuditRule> auditRules() {
        return new OnpremRules().all();
    }

    @Override
    public String diagram() {
        return new OnpremDiagram(new TopologyFlows()).mermaid(descriptor);
    }

    @Override
    public Plan plan(PlanRequest request) {
        if (request.offline()) {
            Plan offline = new OnpremPlanner().offline(descriptor, renderer.render(descriptor, SecretView.masked()), request.digest());
            // As on every tier: whether the frontend would be built, and why, with nothing built.
            return operatorFailures(() -> new FrontendBuild(new ProcessCommandRunner(), context.progress(), FrontendBuild.defaultCacheDir())
                    .wouldBuild(descriptor, request.noBuild()))
                    .map(why -> offline.withFirst(FrontendBuild.planned(Target.ONPREM.key(), descriptor, "would run: " + why)))
                    .orElse(offline);
        }
        return operatorFailures(() -> deployer(request.acceptNewHostKeys(), request.noBuild()).plan(descriptor, request.digest()).plan());
    }

    @Override
    public DeployOutcome deploy(DeployRequest request) {
        DeployOptions defaults = DeployOptions.defaults();
        DeployOptions options = new DeployOptions(defaults.owner(), defaults.leaseTtl(), request.breakLock());
        DeployReport report;
        Optional<RollbackChoice> rolledBack = Optional.empty();
        try {
            OnpremDeployer deployer = deployer(request.acceptNewHostKeys(), request.noBuild());
            if (request.rollback().isPresent()) {
                OnpremDeployer.RolledBack done = deployer.rollback(descriptor, options, request.rollback().get());
                report = done.report();
                rolledBack = Optional.of(done.choice());
            } else {
                report = deployer.deploy(descriptor, request.digest(), options, request.savedPlan(),
                        plan -> request.confirmation().map(c -> c.approve(plan)).orElse(true));
            }
        } catch (DeployCancelledException e) {
            throw new TierFailure(e.getMessage(), e);
        } catch (StalePlanException e) {
            throw new TierFailure("the saved plan is stale: " + e.getMessage(), e);
        } catch (HostFailure e) {
            throw new TierFailure("deploy failed on " + e.getMessage(), e);
        } catch (SshException e) {
            throw new TierFailure(e.getMessage(), e);
        } catch (ReleaseException e) {
            // Built on this machine before any host is changed: the app's files or requirements, the operator's to fix.
            throw new TierFailure(e.getMessage() + "\nNo host was changed.", e);
        }
        DeployOutcome outcome = outcome(report);
        return rolledBack.map(choice -> new DeployOutcome(outcome.recap(), outcome.changed(), outcome.failed(),
                "Rolled back to release " + choice.target().id() + " (from " + choice.live().id() + "). " + choice.databaseSentence()))
                .orElse(outcome);
    }

    @Override
    public List<ReleaseEntry> releases() {
        return operatorFailures(() -> deployer(false).releases(descriptor));
    }

    private static DeployOutcome outcome(DeployReport report) {
        List<DeployOutcome.RecapRow> rows = new ArrayList<>();
        for (Map.Entry<String, DeployReport.HostResult> entry : new TreeMap<>(report.hosts()).entrySet()) {
            rows.add(new DeployOutcome.RecapRow(entry.getKey(), String.format("%-8s changes=%d",
                    entry.getValue().name().toLowerCase(), report.changesOn(entry.getKey()))));
        }
        String summary = report.totalChanges() == 0 ? "No changes: every host already matched."
                : report.totalChanges() + " change(s) applied.";
        return new DeployOutcome(rows, report.totalChanges() > 0, report.failed(), summary);
    }

    @Override
    public StatusReport status(StatusRequest request) {
        List<HostStatus> hosts = operatorFailures(() -> deployer(false).status(descriptor));
        return new OnpremStatus(descriptor, () -> connectors.create(onprem(), false), this::edgeSwitch).report(hosts, request.json());
    }

    @Override
    public WafReport wafReport(WafReportRequest request) {
        if (OnpremWaf.wafHosts(descriptor).isEmpty()) {
            throw new TierFailure("no host runs ModSecurity (targets.onprem.waf.crs is false, or no host has role waf): "
                    + "there is no WAF log to read");
        }
        return operatorFailures(() -> new OnpremWaf(connectors.create(onprem(), false))
                .report(descriptor, request.since(), Instant.now()));
    }

    @Override
    public void logs(LogsRequest request, LogSink sink) {
        operatorFailures(() -> {
            new OnpremLogs(connectors.create(onprem(), false), java.time.Clock.systemUTC()).read(descriptor, request, sink);
            return null;
        });
    }

    @Override
    public BackupEntry backupNow(BackupType type) {
        return operatorFailures(() -> new OnpremBackups(connectors.create(onprem(), false)).backupNow(descriptor, type));
    }

    @Override
    public List<BackupEntry> backups() {
        return operatorFailures(() -> new OnpremBackups(connectors.create(onprem(), false)).list(descriptor));
    }

    @Override
    public RestorePreview planRestore(RestoreRequest request) {
        return operatorFailures(() -> restores().preview(request));
    }

    @Override
    public RestoreOutcome restore(RestoreRequest request) {
        return operatorFailures(() -> restores().restore(request));
    }

    @Override
    public RestoreOutcome finalizeRestore(Path journal) {
        return operatorFailures(() -> restores().finalizeRestore(journal));
    }

    /** Kept for the tier's life: the preview and the restore of one command resolve the point once. */
    private synchronized OnpremRestore restores() {
        if (restores == null) {
            restores = new OnpremRestore(descriptor, () -> connectors.create(onprem(), false), context.secretsFor(descriptor),
                    context.progress(), this::maintenance, context.clock());
        }
        return restores;
    }

    /** The maintenance switch migrate uses: the edge's flag file, checked by the answer, then writes drained. */
    private void maintenance(boolean on) {
        try (OnpremMigrationTier edge = edgeSwitch()) {
            edge.maintenance(on);
        }
    }

    private OnpremMigrationTier edgeSwitch() {
        return new OnpremMigrationTier(descriptor, connectors.create(onprem(), false), context.progress(), () -> { }, 0);
    }

    /**
     * {@code maintenance on|off}: migrate's switch, sent only when some edge host is not yet in the
     * state asked for (a switch that stopped half way is completed).
     */
    @Override
    public MaintenanceOutcome maintenance(MaintenanceRequest request) {
        return operatorFailures(() -> {
            try (OnpremMigrationTier edge = edgeSwitch()) {
                List<String> flagged = edge.hostsInMaintenance();
                List<String> edges = edge.edgeHostNames();
                boolean already = request.on() ? flagged.containsAll(edges) : flagged.isEmpty();
                if (!already) {
                    edge.maintenance(request.on());
                }
                return new MaintenanceOutcome(request.on(), !already, "flag " + EdgeTopology.MAINTENANCE_FLAG
                        + (request.on() ? " present on " : " absent on ") + String.join(", ", edges));
            }
        });
    }

    @Override
    public Optional<DestroyPreview> previewDestroy(DestroyRequest request) {
        return Optional.of(new DestroyPreview(teardownPlan(request).describe()));
    }

    @Override
    public DestroyOutcome destroy(DestroyRequest request) {
        TeardownPlan plan = teardownPlan(request);
        List<String> summary = operatorFailures(() -> new OnpremTeardown(connectors.create(onprem(), false), context.progress())
                .run(descriptor, plan, DeployOptions.defaults()));
        return new DestroyOutcome(List.of(), summary);
    }

    /** From the descriptor and its render alone (secrets masked: only the paths count), so the preview is what runs. */
    private TeardownPlan teardownPlan(DestroyRequest request) {
        Path dump = request.dumpDirectory().resolve(TeardownPlan.dumpFileName(descriptor.app(), context.clock().instant()));
        return TeardownPlan.of(descriptor, renderer.render(descriptor, SecretView.masked()), request.forceDataDeletion(), dump);
    }

    @Override
    public ExecOutcome exec(ExecRequest request) {
        OnpremTarget target = onprem();
        List<Host> apps = target.hostsWith(Role.APP);
        Host host = request.host().map(name -> apps.stream().filter(h -> h.name().equals(name)).findFirst()
                        .orElseThrow(() -> new TierFailure("--host " + name + ": no app host of that name; the app hosts are "
                                + String.join(", ", apps.stream().map(Host::name).toList()))))
                .orElseGet(() -> apps.stream().findFirst().orElseThrow(() -> new TierFailure("the on-prem topology has no app host")));
        RemoteCommand command = new ExecCommands(descriptor.app(), target.appRoot()).inApp(request.operator(), request.command());
        try (Connector connector = connectors.create(target, false)) {
            int exit = operatorFailures(() -> {
                Connection connection = connector.connect(host);
                if (!(connection instanceof AttachedExec attached)) {
                    throw new TierFailure("the connection to " + host.name() + " cannot run an attached command");
                }
                return attached.attach(command, request.streams());
            });
            return new ExecOutcome(host.name(), exit);
        }
    }

    /** psql here, through the SSH tunnel to the primary that migrate opens, as the app's database role. */
    @Override
    public int dbShell(DbShellRequest request) {
        LocalPsql psql = LocalPsql.onPath(request.searchPath());
        Database db = descriptor.database();
        String password = context.secretsFor(descriptor).resolve(db.password()).reveal();
        try (OnpremMigrationTier primary = new OnpremMigrationTier(descriptor, connectors.create(onprem(), false), context.progress(),
                () -> { }, 0)) {
            DbEndpoint endpoint = operatorFailures(primary::database);
            return psql.run(endpoint, password, request.streams());
        }
    }

    @Override
    public FailoverOutcome failover() {
        OnpremFailover.Result result = operatorFailures(() -> new OnpremFailover(connectors.create(onprem(), false), renderer,
                context.secretsFor(descriptor), context.progress()).failover(descriptor));
        return new FailoverOutcome(result.newPrimary(), result.oldPrimary(), result.oldPrimaryFenced(), result.nextStep());
    }

    @Override
    public MigrationTier migration(MigrationRequest request) {
        return new TranslatingMigrationTier(new OnpremMigrationTier(descriptor, connectors.create(onprem(), false),
                context.progress(), () -> provision(request.digest()), request.tunnelPort(), dns.open(descriptor),
                Optional.of(context.secretsFor(descriptor))), OnpremTier::translate);
    }

    /** A migration's provision: no questions, a failed host fails it, no release command (the copy brings the schema). */
    private void provision(String digest) {
        DeployReport report;
        try {
            report = deployer(false).deploy(descriptor, digest, DeployOptions.defaults().withoutReleaseCommand(), Optional.empty(),
                    plan -> true);
        } catch (HostFailure e) {
            throw new TierFailure("deploying the " + Target.ONPREM + " tier failed on " + e.getMessage(), e);
        }
        if (report.failed()) {
            throw new TierFailure("the on-prem deploy failed on " + report.hosts().entrySet().stream()
                    .filter(e -> e.getValue() == DeployReport.HostResult.FAILED).map(Map.Entry::getKey).toList());
        }
    }

    private OnpremDeployer deployer(boolean acceptNewHostKeys) {
        return deployer(acceptNewHostKeys, false);
    }

    /** @param noBuild take the frontend's output folder as it is (--no-build) */
    private OnpremDeployer deployer(boolean acceptNewHostKeys, boolean noBuild) {
        return new OnpremDeployers(descriptor, onprem(), context, connectors, renderer).create(acceptNewHostKeys, noBuild);
    }

    private OnpremTarget onprem() {
        return descriptor.targets().onprem().orElseThrow(() -> new TierFailure("the descriptor has no targets.onprem section"));
    }

    /** SSH and host failures carry the operator's sentence already. */
    private static <T> T operatorFailures(Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private static RuntimeException translate(RuntimeException e) {
        return e instanceof SshException || e instanceof HostFailure || e instanceof ReleaseException
                ? new TierFailure(e.getMessage(), e) : e;
    }

    @Override
    public void close() {
        // Each verb opens and closes its own SSH sessions; a migration tier closes its tunnel itself.
    }
}

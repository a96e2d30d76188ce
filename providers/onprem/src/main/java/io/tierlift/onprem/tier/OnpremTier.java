package io.tierlift.onprem.tier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.tierlift.onprem.deploy.ReleaseSource;
import io.tierlift.onprem.deploy.StalePlanException;
import io.tierlift.onprem.release.ReleaseBuilder;
import io.tierlift.onprem.ssh.SshException;
import io.tierlift.plan.Plan;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.Target;
import io.tierlift.release.PipSettings;
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
import io.tierlift.onprem.deploy.ArchiveDiagnosis;
import io.tierlift.onprem.deploy.OnpremBackups;
import io.tierlift.onprem.deploy.WalArchive;
import io.tierlift.tier.BackupEntry;
import io.tierlift.tier.BackupType;

import java.time.Duration;
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
            return new OnpremPlanner().offline(descriptor, renderer.render(descriptor, SecretView.masked()), request.digest());
        }
        return operatorFailures(() -> deployer(request.acceptNewHostKeys()).plan(descriptor, request.digest()).plan());
    }

    @Override
    public DeployOutcome deploy(DeployRequest request) {
        DeployOptions defaults = DeployOptions.defaults();
        DeployOptions options = new DeployOptions(defaults.owner(), defaults.leaseTtl(), request.breakLock());
        DeployReport report;
        Optional<RollbackChoice> rolledBack = Optional.empty();
        try {
            OnpremDeployer deployer = deployer(request.acceptNewHostKeys());
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
        List<String> rows = new ArrayList<>();
        boolean healthy = true;
        for (HostStatus host : hosts) {
            rows.add(String.format("%-10s %-22s %s%s", host.host(), String.join(",", host.roles()),
                    host.healthy() ? "" : "UNHEALTHY: ", String.join("; ", host.facts())));
            healthy &= host.healthy();
        }
        healthy &= backupStatus(rows);
        Optional<List<String>> flagged = maintenanceStatus(rows);
        if (!OnpremWaf.wafHosts(descriptor).isEmpty()) {
            healthy &= wafStatus(rows);
        }
        return new StatusReport(healthy, rows, request.json() ? Optional.of(statusJson(healthy, hosts, flagged)) : Optional.empty());
    }

    /** The WAF rows of status: whether ModSecurity blocks or only detects (a learning period), as placed on each host. */
    private boolean wafStatus(List<String> rows) {
        List<OnpremWaf.EngineState> engines;
        try {
            engines = new OnpremWaf(connectors.create(onprem(), false)).engines(descriptor);
        } catch (HostFailure | SshException e) {
            rows.add(String.format("%-10s %-22s UNHEALTHY: WAF mode unknown: %s", "waf", "waf", e.getMessage()));
            return false;
        }
        int exclusions = onprem().waf().exclusions().size();
        for (OnpremWaf.EngineState state : engines) {
            String mode = switch (state.engine()) {
                case "On" -> "WAF blocks (SecRuleEngine On)";
                case "DetectionOnly" -> "WAF only detects (SecRuleEngine DetectionOnly, waf.mode: detect): learning period, "
                        + "attacks pass; see tierlift waf report";
                default -> "WAF mode " + state.engine();
            };
            rows.add(String.format("%-10s %-22s %s; %d exclusion(s)", state.host().name(), "waf", mode, exclusions));
        }
        return true;
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

    /** The backup rows of status: the newest backup's age against the schedules, and whether WAL reaches the repository. */
    private boolean backupStatus(List<String> rows) {
        if (descriptor.database().backup().isEmpty()) {
            return true;
        }
        String host = onprem().firstWith(io.tierlift.model.Role.BACKUP).orElseThrow().name();
        OnpremBackups.Health health;
        try {
            health = new OnpremBackups(connectors.create(onprem(), false)).health(descriptor);
        } catch (SshException e) {
            rows.add(String.format("%-10s %-22s UNHEALTHY: the repository host is unreachable, WAL archiving FAILS (%s); "
                    + "fix: bring %s back (power, network, sshd, pgbackrest); PostgreSQL keeps the WAL in pg_wal meanwhile",
                    host, "backup", e.getMessage(), host));
            return false;
        } catch (HostFailure e) {
            rows.add(String.format("%-10s %-22s UNHEALTHY: backups unknown: %s", host, "backup", e.getMessage()));
            return false;
        }
        Instant now = Instant.now();
        boolean overdue = health.overdue(now);
        String latest = health.latest()
                .map(b -> "last backup " + b.id() + " (" + b.type() + ") " + age(Duration.between(b.finished(), now)) + " ago")
                .orElse("no backup yet");
        String archive = health.archiving() ? "WAL archiving works" : "WAL archiving FAILS: " + health.archiveProblem();
        boolean healthy = !overdue && health.archiving();
        rows.add(String.format("%-10s %-22s %s%s%s; %s", host, "backup", healthy ? "" : "UNHEALTHY: ", latest,
                overdue ? " (overdue: the schedules allow " + age(health.allowedAge()) + ")" : "", archive));
        for (ArchiveDiagnosis.Finding finding : health.findings()) {
            rows.add(String.format("%-10s %-22s UNHEALTHY: %s", finding.host(), "backup", finding));
        }
        health.archiver().ifPresent(a -> rows.add(String.format("%-10s %-22s WAL archive lag: %s%s", a.host(), "archive",
                ArchiveDiagnosis.lag(a), a.lastArchivedWal().map(w -> " (" + w + ")").orElse(""))));
        if (health.restorableFrom().isPresent() && health.continuity().isPresent()) {
            WalArchive.Continuity chain = health.continuity().get();
            String timelines = chain.timelines().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
            if (chain.unbroken()) {
                rows.add(String.format("%-10s %-22s restorable from %s: WAL archive unbroken %s..%s (timeline %s)", host, "backup",
                        health.restorableFrom().get(), chain.from(), chain.to(), timelines));
            } else {
                healthy = false;
                rows.add(String.format("%-10s %-22s UNHEALTHY: the WAL archive has a gap, %s missing: a restore cannot replay "
                                + "past it; fix: take a full backup (tierlift backup now onprem --type full) to restore from after it",
                        host, "backup", String.join(", ", chain.missing())));
            }
        }
        return healthy;
    }

    private static String age(Duration d) {
        long minutes = d.toMinutes();
        return minutes < 120 ? minutes + "m" : minutes < 48 * 60 ? d.toHours() + "h" : d.toDays() + "d";
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

    /**
     * {@code status --output json}: the hosts as the rows show them, and maintenance: true when every
     * edge host has the flag, false when none has, null when only some have or it could not be read;
     * {@code maintenanceHosts} names the hosts that have it.
     */
    private JsonNode statusJson(boolean healthy, List<HostStatus> hosts, Optional<List<String>> flagged) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("target", target().key());
        root.put("healthy", healthy);
        ArrayNode hostArray = root.putArray("hosts");
        for (HostStatus host : hosts) {
            ObjectNode h = hostArray.addObject();
            h.put("name", host.host());
            host.roles().forEach(h.putArray("roles")::add);
            h.put("healthy", host.healthy());
            host.facts().forEach(h.putArray("facts")::add);
        }
        List<String> edges = OnpremMigrationTier.edgeHostNames(descriptor);
        if (flagged.isPresent() && (flagged.get().isEmpty() || flagged.get().containsAll(edges))) {
            root.put("maintenance", !flagged.get().isEmpty());
        } else {
            root.putNull("maintenance");
        }
        ArrayNode flaggedArray = root.putArray("maintenanceHosts");
        flagged.orElse(List.of()).forEach(flaggedArray::add);
        return root;
    }

    /** The maintenance row of status; returns the edge hosts that have the flag, empty when it could not be read. */
    private Optional<List<String>> maintenanceStatus(List<String> rows) {
        try (OnpremMigrationTier edge = edgeSwitch()) {
            List<String> flagged = edge.hostsInMaintenance();
            List<String> edges = edge.edgeHostNames();
            String state;
            if (flagged.isEmpty()) {
                state = "off";
            } else if (flagged.containsAll(edges)) {
                state = "ON: every request gets the 503 maintenance page (flag " + EdgeTopology.MAINTENANCE_FLAG + " on "
                        + String.join(", ", edges) + "); end it with tierlift maintenance off onprem";
            } else {
                state = "PARTLY ON: only " + String.join(", ", flagged) + " of " + String.join(", ", edges)
                        + " answer with the maintenance page; finish with tierlift maintenance on onprem or off";
            }
            rows.add(String.format("%-10s %-22s maintenance %s", "edge", "maintenance", state));
            return Optional.of(flagged);
        } catch (TierFailure e) {
            rows.add(String.format("%-10s %-22s maintenance unknown: %s", "edge", "maintenance", e.getMessage()));
            return Optional.empty();
        }
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
                context.progress(), () -> provision(request.digest()), request.tunnelPort(), dns.open(descriptor)), OnpremTier::translate);
    }

    /** The deploy of a migration's provision step: no questions, a failed host fails the step. */
    private void provision(String digest) {
        DeployReport report;
        try {
            report = deployer(false).deploy(descriptor, digest, DeployOptions.defaults(), Optional.empty(), plan -> true);
        } catch (HostFailure e) {
            throw new TierFailure("deploying the " + Target.ONPREM + " tier failed on " + e.getMessage(), e);
        }
        if (report.failed()) {
            throw new TierFailure("the on-prem deploy failed on " + report.hosts().entrySet().stream()
                    .filter(e -> e.getValue() == DeployReport.HostResult.FAILED).map(Map.Entry::getKey).toList());
        }
    }

    private OnpremDeployer deployer(boolean acceptNewHostKeys) {
        ReleaseBuilder builder = new ReleaseBuilder(new ProcessCommandRunner(), PipSettings.defaults().withEnvironment(pipVariables()),
                context.progress());
        Path cache = Path.of(System.getProperty("user.home"), ".tierlift", "cache");
        return new OnpremDeployer(connectors.create(onprem(), acceptNewHostKeys), renderer, context.secretsFor(descriptor),
                context.progress(), ReleaseSource.using(builder, cache));
    }

    /** pip's own settings from this run's environment (PIP_INDEX_URL and the like), which point it at the operator's index. */
    private Map<String, String> pipVariables() {
        Map<String, String> pip = new TreeMap<>();
        context.environment().forEach((name, value) -> {
            if (name.startsWith("PIP_")) {
                pip.put(name, value);
            }
        });
        return pip;
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

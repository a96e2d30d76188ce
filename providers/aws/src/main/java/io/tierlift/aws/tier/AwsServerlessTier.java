package io.tierlift.aws.tier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.rds.AutomatedBackupReader;
import io.tierlift.aws.restore.AuroraClusterDatabase;
import io.tierlift.aws.restore.DatabaseRestore;
import io.tierlift.aws.serverless.AwsServerlessDeployer;
import io.tierlift.aws.serverless.MaintenanceHold;
import io.tierlift.aws.serverless.ReleaseInvoker;
import io.tierlift.aws.serverless.ServerlessStatus;
import io.tierlift.aws.serverless.migrate.AuroraWriterRestart;
import io.tierlift.aws.serverless.migrate.LambdaMaintenanceSwitch;
import io.tierlift.render.aws.serverless.DatabasePath;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.Target;
import io.tierlift.render.aws.serverless.AwsServerlessRenderer;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.serverless.ApiStack;
import io.tierlift.tier.DeployOutcome;
import io.tierlift.tier.DeployRequest;
import io.tierlift.aws.serverless.ServerlessReleases;
import io.tierlift.tier.ReleaseEntry;
import io.tierlift.tier.RollbackChoice;
import io.tierlift.tier.RollbackRequest;
import io.tierlift.tier.DestroyOutcome;
import io.tierlift.tier.DestroyRequest;
import io.tierlift.tier.DnsRecords;
import io.tierlift.tier.MaintenanceOutcome;
import io.tierlift.tier.MaintenanceRequest;
import io.tierlift.tier.TierFailure;
import io.tierlift.tier.ExecOutcome;
import io.tierlift.tier.ExecRequest;
import io.tierlift.tier.MigrationRequest;
import io.tierlift.tier.MigrationTier;
import io.tierlift.tier.PlanRequest;
import io.tierlift.tier.RestoreOutcome;
import io.tierlift.tier.RestorePreview;
import io.tierlift.tier.RestoreRequest;
import io.tierlift.tier.StatusReport;
import io.tierlift.tier.StatusRequest;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFailure;
import io.tierlift.tier.TierScope;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/** aws-serverless for one descriptor: Lambda behind API Gateway, Aurora Serverless, the site behind CloudFront. */
final class AwsServerlessTier extends CloudFormationTier {
    private final Function<Function<String, LambdaClient>, ReleaseInvoker> invokers;

    AwsServerlessTier(TierContext context, TierScope scope, RenderProvider renderer, DnsRecords dns,
                      Function<Function<String, LambdaClient>, ReleaseInvoker> invokers) {
        super(context, scope, renderer, dns);
        this.invokers = invokers;
    }

    @Override
    public Target target() {
        return Target.AWS_SERVERLESS;
    }

    @Override
    public Plan plan(PlanRequest request) {
        if (request.offline()) {
            return withBuild(frontendWouldBuild(request.noBuild()),
                    withSession(s -> s.deployer().planOffline(descriptor, s.plan(), request.digest())));
        }
        Optional<PlannedChange> build = buildFrontend(request.noBuild());
        return withBuild(build, withSession(s -> {
            warnIfThePauseCannotHappen(s);
            return s.deployer().plan(descriptor, s.plan(), context.version(), request.digest(), maintenanceSwitch(s).maintenanceHold());
        }));
    }

    /**
     * min_acu 0 asks Aurora to pause when idle, and the stacks are laid out for it (no proxy, logical
     * replication off), but AWS does not auto-pause a writer with logical replication on, which a
     * migration from this tier turns on and leaves on: the operator hears it before paying for a
     * database that does not pause.
     */
    private void warnIfThePauseCannotHappen(ServerlessSession session) {
        if (session.deployer().dataStack().logicalReplicationOn(session.plan())) {
            context.progress().warn("aurora", "min_acu is 0 but the database will not pause: logical replication is on "
                    + "(a migration turned it on; data stack parameter " + DatabasePath.LOGICAL_REPLICATION_PARAMETER
                    + " = 1), and AWS does not auto-pause an Aurora writer with logical replication on");
        }
    }

    @Override
    public DeployOutcome deploy(DeployRequest request) {
        if (request.rollback().isPresent()) {
            return rollback(request, request.rollback().get());
        }
        Optional<PlannedChange> build = buildFrontend(request.noBuild());
        return withSession(s -> {
            warnIfThePauseCannotHappen(s);
            // Read before the deploy: with maintenance on, the alias moves straight to a maintenance version of the new code.
            MaintenanceHold hold = maintenanceSwitch(s).maintenanceHold();
            request.confirmOrCancel(() -> withBuild(build, s.deployer().plan(descriptor, s.plan(), context.version(), request.digest(),
                    hold)));
            boolean maintenance = hold.on();
            AwsServerlessDeployer.DeployReport report = s.deployer().deploy(descriptor, s.plan(), context.version(), hold, true);
            List<DeployOutcome.RecapRow> rows = new ArrayList<>(AwsRecap.stacks(report.stacksChanged()));
            rows.add(new DeployOutcome.RecapRow("package", (report.packageUploaded() ? "uploaded " : "unchanged ") + report.packageKey()));
            rows.add(new DeployOutcome.RecapRow("secret", report.secretWritten() ? "written" : "unchanged"));
            report.releaseCommand().ifPresent(r -> rows.add(new DeployOutcome.RecapRow("release", "command exit code " + r.exitCode())));
            rows.add(aliasRow(report.alias()));
            if (maintenance) {
                rows.add(new DeployOutcome.RecapRow("maintenance", "still on" + (report.alias().moved()
                        ? ": the alias serves version " + report.alias().to() + " with maintenance on" : "") + "; end it with tierlift maintenance off "
                        + target().key()));
            }
            rows.add(AwsRecap.site(report.site().result().uploaded().size(), report.site().result().uploadedBytes(),
                    report.site().staleDeleted()));
            rows.add(AwsRecap.cdn(report.site().invalidation()));
            return new DeployOutcome(rows, report.changed(), false,
                    report.changed() ? "Changes applied." : "No changes: aws-serverless already matched.");
        });
    }

    /**
     * {@code deploy --rollback}: the alias back to the version asked for (or the one it served before);
     * nothing built, no release command. A version older than the schema is refused before the question.
     */
    private DeployOutcome rollback(DeployRequest request, RollbackRequest rollback) {
        return withSession(s -> {
            ServerlessReleases releases = s.deployer().releases();
            RollbackChoice choice = releases.rollbackChoice(s.plan(), rollback);
            context.progress().warn("rollback", choice.databaseNote());
            request.confirmOrCancel(() -> releases.rollbackPlan(descriptor, s.plan(), request.digest(), choice));
            AwsServerlessDeployer.AliasState alias = releases.rollback(s.plan(), choice);
            return new DeployOutcome(List.of(aliasRow(alias)), true, false,
                    "Rolled back: alias " + ApiStack.ALIAS + " serves version " + alias.to() + " again. " + choice.databaseSentence());
        });
    }

    @Override
    public List<ReleaseEntry> releases() {
        return withSession(s -> s.deployer().releases().list(s.plan()));
    }

    private static DeployOutcome.RecapRow aliasRow(AwsServerlessDeployer.AliasState alias) {
        String state = alias.moved() ? ApiStack.ALIAS + ": version " + alias.from() + " -> " + alias.to()
                : ApiStack.ALIAS + ": version " + alias.to() + " (unchanged)";
        return new DeployOutcome.RecapRow("alias", state + (alias.previous().isEmpty() ? ""
                : "; deploy --rollback goes back to version " + alias.previous()));
    }

    @Override
    public StatusReport status(StatusRequest request) {
        record Read(ServerlessStatus status, Optional<Boolean> maintenance) {
        }
        Read read = withSession(s -> new Read(s.deployer().status(s.plan()), maintenanceSwitch(s).maintenanceState()));
        ServerlessStatus status = read.status();
        Optional<Boolean> maintenance = read.maintenance();
        List<String> rows = new ArrayList<>();
        for (ServerlessStatus.StackState stack : status.stacks()) {
            rows.add(String.format("%-10s %-40s %-12s %s", stack.key(), stack.name(), stack.region(), stack.status().orElse("ABSENT")));
            new TreeMap<>(stack.outputs()).forEach((k, v) -> rows.add(String.format("    %s = %s", k, v)));
        }
        status.function().ifPresent(f -> rows.add(String.format("function   %s state=%s last-update=%s modified=%s code-sha256=%s",
                f.name(), f.state(), f.lastUpdateStatus(), f.lastModified(), f.codeSha256())));
        status.apiEndpoint().ifPresent(e -> rows.add(String.format("api        %s", e)));
        status.databaseBackups().ifPresent(b -> {
            rows.add("");
            rows.addAll(BackupView.rows(b));
        });
        rows.add(MaintenanceView.row(target(), maintenance, "the function answers every request with 503 and the maintenance page ("
                + LambdaMaintenanceSwitch.VARIABLE + "=" + LambdaMaintenanceSwitch.ON + " in the version alias " + ApiStack.ALIAS
                + " serves)"));
        if (!status.healthy()) {
            rows.add("");
            status.problems().forEach(p -> rows.add("UNHEALTHY: " + p));
        }
        return new StatusReport(status.healthy(), rows, request.json()
                ? Optional.of(MaintenanceView.json((ObjectNode) json(status), maintenance)) : Optional.empty());
    }

    /** The same as the rows, as one object: stacks, function, API endpoint and the database's backups. */
    private static JsonNode json(ServerlessStatus status) {
        ObjectNode root = StatusJson.root(AwsServerlessDeployer.TARGET, status.healthy(), status.problems(), status.stacks().stream()
                .map(st -> new StatusJson.Stack(st.key(), st.name(), st.region(), st.status(), st.outputs())).toList());
        if (status.function().isPresent()) {
            ServerlessStatus.FunctionState f = status.function().get();
            ObjectNode n = root.putObject("function");
            n.put("name", f.name());
            n.put("state", f.state());
            n.put("lastUpdateStatus", f.lastUpdateStatus());
            n.put("lastModified", f.lastModified());
            n.put("codeSha256", f.codeSha256());
        } else {
            root.putNull("function");
        }
        root.put("apiEndpoint", status.apiEndpoint().orElse(null));
        if (status.databaseBackups().isPresent()) {
            BackupView.json(root.putObject("database"), status.databaseBackups().get());
        } else {
            root.putNull("database");
        }
        return root;
    }

    @Override
    public DestroyOutcome destroy(DestroyRequest request) {
        return new DestroyOutcome(withSession(s -> s.deployer().destroy(s.plan(), true, request.forceDataDeletion())));
    }

    @Override
    public RestorePreview planRestore(RestoreRequest request) {
        return withRestore(restore -> restore.preview(request));
    }

    @Override
    public RestoreOutcome restore(RestoreRequest request) {
        return withRestore(restore -> restore.restore(request));
    }

    @Override
    public RestoreOutcome finalizeRestore(Path journal) {
        return withRestore(restore -> restore.finalizeRestore(journal));
    }

    /** A restore of the data stack's Aurora cluster; the stacks switch to it by a deploy (see {@link DatabaseRestore}). */
    private <T> T withRestore(Function<DatabaseRestore, T> action) {
        return withSession(s -> {
            AwsSession aws = s.aws();
            AuroraClusterDatabase database = new AuroraClusterDatabase(aws.clients::cloudFormation, aws.clients::rds,
                    new AutomatedBackupReader(aws.clients::rds, context.clock()), Sleeper.system(), context.clock(),
                    s.emulated() ? Duration.ofMillis(100) : Duration.ofSeconds(15), Duration.ofMinutes(30));
            return action.apply(new DatabaseRestore(target().key(), s.plan(), database, aws.stacks,
                    () -> s.deployer().deploy(descriptor, s.plan(), context.version(), maintenanceSwitch(s).maintenanceHold(), true),
                    "deploy aws-serverless: a new writer (db.serverless) in the restored cluster, the "
                            + (DatabasePath.of(descriptor.targets().awsServerless().orElseThrow()) == DatabasePath.PROXY
                            ? "RDS Proxy's target moved to it" : "function's database host moved to it")
                            + " and the master secret with it, so the app moves to the restored database",
                    context.progress(), context.clock()));
        });
    }

    /**
     * The command in a one-off invocation of the function, its output printed when it ends. Never
     * interactive: the registry refuses a terminal before this is reached (an invocation has no input).
     */
    @Override
    public ExecOutcome exec(ExecRequest request) {
        if (request.host().isPresent()) {
            throw new TierFailure("--host " + request.host().get() + ": aws-serverless has no hosts; exec runs in a one-off "
                    + "invocation of the function, without --host");
        }
        if (request.streams().interactive()) {
            throw new TierFailure("exec on aws-serverless is not interactive (a Lambda invocation has no terminal): "
                    + "give the command's input on a pipe, e.g. echo 'print(1)' | tierlift exec aws-serverless -f app.yaml -- python");
        }
        ReleaseInvoker.ReleaseOutcome outcome = withSession(s -> s.deployer().exec(s.plan(), request.command(), request.operator()));
        if (outcome.exitCode() < 0) {
            throw new TierFailure("exec failed in the function: " + outcome.output());
        }
        try {
            request.streams().out().write(outcome.output().getBytes(StandardCharsets.UTF_8));
            request.streams().out().flush();
            if (outcome.timedOut()) {
                request.streams().err().write("tierlift: the command was stopped at the function's timeout\n".getBytes(StandardCharsets.UTF_8));
                request.streams().err().flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ExecOutcome(AwsServerlessDeployer.TARGET, outcome.exitCode());
    }

    @Override
    public MigrationTier migration(MigrationRequest request) {
        ServerlessSession session = session();
        return new AwsServerlessMigrationTier(descriptor, session, lambdaSwitch(session), writerRestart(session), dns.open(descriptor),
                new DnsInstructions());
    }

    /**
     * {@code maintenance on|off}: migrate's switch (TIERLIFT_MAINTENANCE in the version the alias
     * serves), sent only when the alias is not in the state asked for.
     */
    @Override
    public MaintenanceOutcome maintenance(MaintenanceRequest request) {
        return withSession(s -> {
            AwsServerlessMigrationTier lambda = maintenanceSwitch(s);
            boolean on = lambda.maintenanceState().orElseThrow(() -> new TierFailure("aws-serverless is not deployed (the api "
                    + "stack or its function does not exist): there is no function to put in maintenance; deploy it first "
                    + "(tierlift deploy aws-serverless)"));
            boolean already = on == request.on();
            if (!already) {
                lambda.maintenance(request.on());
            }
            return new MaintenanceOutcome(request.on(), !already, "variable " + LambdaMaintenanceSwitch.VARIABLE + "="
                    + LambdaMaintenanceSwitch.ON + (request.on() ? " in" : " not in") + " the version alias " + ApiStack.ALIAS
                    + " serves");
        });
    }

    /** The migration tier's switch over {@code session}, which the caller closes (this does not). */
    private AwsServerlessMigrationTier maintenanceSwitch(ServerlessSession session) {
        return new AwsServerlessMigrationTier(descriptor, session, lambdaSwitch(session), writerRestart(session), Optional.empty(),
                new DnsInstructions());
    }

    private LambdaMaintenanceSwitch lambdaSwitch(ServerlessSession session) {
        return new LambdaMaintenanceSwitch(session::lambda, context.progress(), Sleeper.system(),
                context.clock(), session.emulated() ? Duration.ofMillis(100) : Duration.ofSeconds(2), Duration.ofMinutes(5));
    }

    private AuroraWriterRestart writerRestart(ServerlessSession session) {
        return new AuroraWriterRestart(session::rds, context.progress(), Sleeper.system(), context.clock(),
                session.emulated() ? Duration.ofMillis(100) : Duration.ofSeconds(10), Duration.ofMinutes(20));
    }

    @Override
    protected StackPlan stackPlan() {
        return new AwsServerlessRenderer().plan(descriptor);
    }

    private ServerlessSession session() {
        return new ServerlessSession(new AwsSession(context, scope), scope, stackPlan(), invokers);
    }

    /** Runs {@code action} with a session opened for it; AWS failures become operator messages. */
    private <T> T withSession(Function<ServerlessSession, T> action) {
        try (ServerlessSession session = session()) {
            return AwsFailures.call(() -> action.apply(session));
        }
    }

    /**
     * The function's log group (the app's lines, as the app role), the API's access log (as the proxy),
     * the cluster's PostgreSQL log as RDS exports it and the WAF's log.
     */
    @Override
    public void logs(io.tierlift.tier.LogsRequest request, io.tierlift.tier.LogSink sink) {
        var names = new io.tierlift.render.aws.iaas.StackNames(descriptor.app(), descriptor.environment(),
                io.tierlift.render.aws.iaas.StackNames.SERVERLESS);
        String region = descriptor.targets().awsServerless().orElseThrow().region();
        readLogs(region, session -> {
            List<io.tierlift.aws.logs.CloudWatchLogReader.Group> groups = new ArrayList<>(List.of(
                    new io.tierlift.aws.logs.CloudWatchLogReader.Group(io.tierlift.render.aws.serverless.ApiStack.functionLogGroup(names),
                            "function", io.tierlift.logs.LogRole.APP, false),
                    new io.tierlift.aws.logs.CloudWatchLogReader.Group(io.tierlift.render.aws.serverless.ApiStack.accessLogGroup(names),
                            "api-access", io.tierlift.logs.LogRole.PROXY, false)));
            groups.addAll(databaseAndWafGroups(session, names, region, request));
            return groups;
        }, request, sink);
    }
}

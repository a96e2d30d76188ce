package io.tierlift.aws.tier;

import io.tierlift.aws.secretsmanager.AppSecretSync;
import io.tierlift.aws.secretsmanager.OriginSecretVersions;
import io.tierlift.aws.secretsmanager.SecretsManagerAppSecretWriter;

import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.iaas.AwsIaasDeployer;
import io.tierlift.aws.iaas.Ec2PrefixListLookup;
import io.tierlift.aws.iaas.IaasStatus;
import io.tierlift.aws.iaas.LiveResources;
import io.tierlift.aws.iaas.SsmExec;
import io.tierlift.aws.iaas.SsmImageLookup;
import io.tierlift.aws.rds.AutomatedBackupReader;
import io.tierlift.aws.restore.DatabaseRestore;
import io.tierlift.aws.restore.RdsInstanceDatabase;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.Target;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import io.tierlift.tier.DeployOutcome;
import io.tierlift.tier.DeployRequest;
import io.tierlift.tier.DestroyOutcome;
import io.tierlift.tier.DestroyRequest;
import io.tierlift.tier.DnsRecords;
import io.tierlift.tier.ExecOutcome;
import io.tierlift.tier.ExecRequest;
import io.tierlift.tier.MaintenanceOutcome;
import io.tierlift.tier.MaintenanceRequest;
import io.tierlift.tier.MigrationRequest;
import io.tierlift.tier.MigrationTier;
import io.tierlift.tier.PlanRequest;
import io.tierlift.tier.RestoreOutcome;
import io.tierlift.aws.iaas.IaasReleases;
import io.tierlift.tier.ReleaseEntry;
import io.tierlift.tier.RestorePreview;
import io.tierlift.tier.RollbackChoice;
import io.tierlift.tier.RollbackRequest;
import io.tierlift.tier.RestoreRequest;
import io.tierlift.tier.StatusReport;
import io.tierlift.tier.StatusRequest;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFailure;
import io.tierlift.tier.TierScope;
import io.tierlift.tier.TranslatingMigrationTier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/** aws-iaas for one descriptor: CloudFormation stacks, the release bucket and the site behind CloudFront. */
final class AwsIaasTier extends CloudFormationTier {

    /** How long an exec may run on the instance before Run Command stops it. */
    static final Duration EXEC_TIMEOUT = Duration.ofMinutes(30);

    private final OriginNameCheck originName;

    AwsIaasTier(TierContext context, TierScope scope, RenderProvider renderer, DnsRecords dns,
                OriginNameCheck.NameResolver resolver) {
        super(context, scope, renderer, dns);
        this.originName = new OriginNameCheck(resolver);
    }

    @Override
    public Target target() {
        return Target.AWS_IAAS;
    }

    @Override
    public Plan plan(PlanRequest request) {
        if (request.offline()) {
            return withBuild(frontendWouldBuild(request.noBuild()),
                    withDeployer(deployer -> deployer.planOffline(descriptor, stackPlan(), request.digest())));
        }
        Optional<PlannedChange> build = buildFrontend(request.noBuild());
        return withBuild(build, withDeployer(deployer -> deployer.plan(descriptor, stackPlan(), context.version(), request.digest(),
                new AwsIaasDeployer.Options(request.refreshImage(), false))));
    }

    @Override
    public DeployOutcome deploy(DeployRequest request) {
        if (request.rollback().isPresent()) {
            return rollback(request, request.rollback().get());
        }
        return deploy(request, new AwsIaasDeployer.Options(request.refreshImage(), request.allowDatabaseReplacement()));
    }

    private DeployOutcome deploy(DeployRequest request, AwsIaasDeployer.Options options) {
        Optional<PlannedChange> build = buildFrontend(request.noBuild());
        return withDeployer((session, deployer) -> {
            request.confirmOrCancel(() -> withBuild(build, deployer.plan(descriptor, stackPlan(), context.version(), request.digest(),
                    options)));
            AwsIaasDeployer.DeployReport report = deployer.deploy(descriptor, stackPlan(), context.version(), options);
            List<DeployOutcome.RecapRow> rows = new ArrayList<>(AwsRecap.stacks(report.stacksChanged()));
            rows.add(new DeployOutcome.RecapRow("release", report.releaseUploaded() ? "uploaded" : "unchanged"));
            rows.add(new DeployOutcome.RecapRow("image", report.image().summary()));
            rows.add(AwsRecap.site(report.site().uploaded().size(), report.site().uploadedBytes(), report.staleDeleted()));
            rows.add(AwsRecap.cdn(report.invalidation()));
            rows.add(new DeployOutcome.RecapRow("api origin",
                    originName.describe(descriptor, report.loadBalancerDns(), session.settings.emulated())));
            return new DeployOutcome(rows, report.changed(), false,
                    report.changed() ? "Changes applied." : "No changes: aws-iaas already matched.");
        });
    }

    /**
     * {@code deploy --rollback}: the compute stack back to the release asked for (or the one before the
     * live one); nothing built. A release older than the schema is refused before the question.
     */
    private DeployOutcome rollback(DeployRequest request, RollbackRequest rollback) {
        return withDeployer(deployer -> {
            IaasReleases releases = deployer.releases();
            RollbackChoice choice = releases.rollbackChoice(stackPlan(), rollback);
            context.progress().warn("rollback", choice.databaseNote());
            request.confirmOrCancel(() -> releases.rollbackPlan(descriptor, stackPlan(), request.digest(), choice));
            String key = releases.rollback(stackPlan(), choice);
            return new DeployOutcome(List.of(new DeployOutcome.RecapRow("release", "release " + choice.live().id() + " -> "
                    + choice.target().id() + " (" + key + ")")), true, false,
                    "Rolled back: the instances run release " + choice.target().id() + " again. " + choice.databaseSentence());
        });
    }

    @Override
    public List<ReleaseEntry> releases() {
        return withDeployer(deployer -> deployer.releases().list(stackPlan()));
    }

    @Override
    public StatusReport status(StatusRequest request) {
        IaasStatus status = withDeployer(deployer -> deployer.status(stackPlan()));
        boolean computeLive = status.stacks().stream().anyMatch(st -> st.key().equals("compute") && st.status().isPresent()
                && st.outputs().containsKey("AlbDnsName"));
        Optional<Boolean> maintenance = computeLive ? Optional.of(maintenanceSwitch(AwsIaasMigrationTier::maintenanceOn))
                : Optional.empty();
        List<String> rows = new ArrayList<>(IaasStatusView.rows(status));
        rows.add("");
        rows.add(MaintenanceView.row(target(), maintenance,
                "the ALB answers every request with 503 and the maintenance page (listener rule, priority 1)"));
        return new StatusReport(status.healthy(), rows, request.json()
                ? Optional.of(MaintenanceView.json(IaasStatusView.json(status), maintenance)) : Optional.empty());
    }

    /** {@code maintenance on|off}: migrate's switch, the fixed-503 rule on the ALB's listeners, sent only when it changes something. */
    @Override
    public MaintenanceOutcome maintenance(MaintenanceRequest request) {
        return maintenanceSwitch(alb -> {
            boolean already = alb.maintenanceOn() == request.on();
            if (!already) {
                alb.maintenance(request.on());
            }
            return new MaintenanceOutcome(request.on(), !already, "listener rule of priority 1 (fixed 503) "
                    + (request.on() ? "on" : "absent from") + " the ALB of stack " + stackPlan().stack("compute").name());
        });
    }

    /** Runs {@code action} on the switch migrate uses, over clients opened for it; AWS failures become operator messages. */
    private <T> T maintenanceSwitch(Function<AwsIaasMigrationTier, T> action) {
        AwsSession session = new AwsSession(context, scope);
        try (AwsIaasMigrationTier alb = new AwsIaasMigrationTier(descriptor, stackPlan(), session.clients, context.progress(), () -> { })) {
            return AwsFailures.call(() -> action.apply(alb));
        }
    }

    @Override
    public DestroyOutcome destroy(DestroyRequest request) {
        return new DestroyOutcome(withDeployer(deployer -> deployer.destroy(stackPlan(), true, request.forceDataDeletion())));
    }

    @Override
    public RestorePreview planRestore(RestoreRequest request) {
        return withRestore((session, restore) -> restore.preview(request));
    }

    @Override
    public RestoreOutcome restore(RestoreRequest request) {
        return withRestore((session, restore) -> restore.restore(request));
    }

    @Override
    public RestoreOutcome finalizeRestore(Path journal) {
        return withRestore((session, restore) -> restore.finalizeRestore(journal));
    }

    /** A restore of the data stack's RDS instance; the stacks switch to it by a deploy (see {@link DatabaseRestore}). */
    private <T> T withRestore(BiFunction<AwsSession, DatabaseRestore, T> action) {
        return withDeployer((session, deployer) -> {
            var clients = session.clients;
            RdsInstanceDatabase database = new RdsInstanceDatabase(clients::cloudFormation, clients::rds,
                    new AutomatedBackupReader(clients::rds, context.clock()));
            DatabaseRestore restore = new DatabaseRestore(target().key(), stackPlan(), database, session.stacks,
                    () -> deployer.deploy(descriptor, stackPlan(), context.version()),
                    "deploy aws-iaas: the compute stack takes the data stack's new endpoint and master secret, and its "
                            + "instances are replaced one at a time, so the app moves to the restored database",
                    context.progress(), context.clock());
            return action.apply(session, restore);
        });
    }

    @Override
    public MigrationTier migration(MigrationRequest request) {
        AwsSession session = new AwsSession(context, scope);
        return new TranslatingMigrationTier(new AwsIaasMigrationTier(descriptor, stackPlan(), session.clients, context.progress(),
                // The copy brings the schema: the instances a migration launches start without the release command.
                () -> deploy(DeployRequest.unattended(request.digest()), AwsIaasDeployer.Options.DEFAULT.withoutReleaseCommandAtBoot()),
                dns.open(descriptor)), AwsFailures::translate);
    }

    @Override
    protected StackPlan stackPlan() {
        return new AwsIaasRenderer().plan(descriptor);
    }

    /** Runs {@code action} with a deployer over clients opened for it; AWS failures become operator messages. */
    private <T> T withDeployer(Function<AwsIaasDeployer, T> action) {
        return withDeployer((session, deployer) -> action.apply(deployer));
    }

    private <T> T withDeployer(BiFunction<AwsSession, AwsIaasDeployer, T> action) {
        try (AwsSession session = new AwsSession(context, scope)) {
            return AwsFailures.call(() -> action.apply(session, deployer(session)));
        }
    }

    private AwsIaasDeployer deployer(AwsSession session) {
        var clients = session.clients;
        var progress = context.progress();
        Duration poll = session.deployerSettings.pollInterval();
        LiveResources resources = new LiveResources(clients::cloudFormation, clients::autoScaling, clients::rds, progress,
                Sleeper.system(), context.clock(), poll, Duration.ofMinutes(15));
        AppSecretSync appSecret = new AppSecretSync(context.secretsFor(descriptor),
                new SecretsManagerAppSecretWriter(clients::secretsManager), progress);
        return new AwsIaasDeployer(clients::cloudFormation, clients::s3, session.stacks, new Ec2PrefixListLookup(clients::ec2),
                resources, session.invalidator, appSecret, new SsmImageLookup(clients::ssm),
                new OriginSecretVersions(clients::secretsManager), progress, poll, session.deployerSettings.stackTimeout(), context.clock());
    }

    /**
     * The command on an InService instance of the app's group (or {@code --host}) through SSM Run
     * Command, its output printed when it ends, a note when Run Command cut it. Never interactive:
     * the registry refuses a terminal before this is reached (Run Command has no terminal or input).
     */
    @Override
    public ExecOutcome exec(ExecRequest request) {
        if (request.streams().interactive()) {
            throw new TierFailure("exec on aws-iaas is not interactive (SSM Run Command has no terminal): give a command "
                    + "that needs no input, e.g. tierlift exec aws-iaas -f app.yaml -- flask routes");
        }
        var names = new io.tierlift.render.aws.iaas.StackNames(descriptor.app(), descriptor.environment(),
                io.tierlift.render.aws.iaas.StackNames.IAAS);
        String region = descriptor.targets().awsIaas().orElseThrow().region();
        SsmExec.Result result = withDeployer((session, deployer) -> {
            // The group as status finds it: the compute stack's output, else its resource list.
            String group = deployer.status(stackPlan()).autoScalingGroup().map(IaasStatus.AsgHealth::name).orElseThrow(() -> new TierFailure("aws-iaas is not "
                    + "deployed (stack " + stackPlan().stack("compute").name() + " has no Auto Scaling group): there is no "
                    + "instance to run the command on; deploy it first (tierlift deploy aws-iaas)"));
            Duration poll = session.settings.emulated() ? Duration.ofMillis(100) : Duration.ofSeconds(1);
            SsmExec exec = new SsmExec(session.clients::ssm, session.clients::autoScaling, session.clients::sts, Sleeper.system(),
                    context.clock(), poll, EXEC_TIMEOUT);
            return exec.run(new SsmExec.Target(descriptor.app(), region, group, names.appLogGroup(), request.host()),
                    request.operator(), request.command());
        });
        try {
            request.streams().out().write(result.stdout().getBytes(StandardCharsets.UTF_8));
            request.streams().out().flush();
            request.streams().err().write(result.stderr().getBytes(StandardCharsets.UTF_8));
            if (result.stdoutCut()) {
                request.streams().err().write(cutNote("output", SsmExec.STDOUT_LIMIT, names.appLogGroup(),
                        result.logStream("stdout")).getBytes(StandardCharsets.UTF_8));
            }
            if (result.stderrCut()) {
                request.streams().err().write(cutNote("error output", SsmExec.STDERR_LIMIT, names.appLogGroup(),
                        result.logStream("stderr")).getBytes(StandardCharsets.UTF_8));
            }
            request.streams().err().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ExecOutcome(result.instanceId(), result.exitCode());
    }

    private static String cutNote(String what, int limit, String group, String stream) {
        return String.format("%ntierlift: SSM Run Command returns at most %,d characters of a command's standard %s; the "
                + "rest is cut here. The whole %s is in CloudWatch Logs group %s, stream %s%n", limit, what, what, group, stream);
    }

    /**
     * The instances' log group (each line's host is its instance, its source the file the agent sent it
     * from), PostgreSQL's log as RDS exports it and the WAF's log. The ALB's access logs are not among
     * them: an ALB writes them only to S3, as gzip files every 5 minutes, and this version does not turn
     * them on.
     */
    @Override
    public void logs(io.tierlift.tier.LogsRequest request, io.tierlift.tier.LogSink sink) {
        if (request.role().equals(Optional.of(io.tierlift.logs.LogRole.PROXY))) {
            throw new TierFailure("--role proxy: aws-iaas has no proxy log to read. Its proxy is the ALB, which writes access "
                    + "logs only to an S3 bucket (gzip files every 5 minutes), never to CloudWatch Logs, and tierlift does not "
                    + "turn them on; the instances' Gunicorn access log (--role app) has each request with its request_id");
        }
        var names = new io.tierlift.render.aws.iaas.StackNames(descriptor.app(), descriptor.environment(),
                io.tierlift.render.aws.iaas.StackNames.IAAS);
        String region = descriptor.targets().awsIaas().orElseThrow().region();
        readLogs(region, session -> {
            List<io.tierlift.aws.logs.CloudWatchLogReader.Group> groups = new ArrayList<>();
            groups.add(new io.tierlift.aws.logs.CloudWatchLogReader.Group(names.appLogGroup(), "app", io.tierlift.logs.LogRole.APP, true));
            groups.addAll(databaseAndWafGroups(session, names, region, request));
            return groups;
        }, request, sink);
    }
}

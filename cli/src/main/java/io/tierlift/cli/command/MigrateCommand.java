package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.TargetConverter;
import io.tierlift.cli.DescriptorDigest;
import io.tierlift.cli.UserException;
import io.tierlift.cli.console.StderrProgress;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.cli.migrate.PrintedTrafficSwitch;
import io.tierlift.migrate.TierOperations;
import io.tierlift.migrate.Connections;
import io.tierlift.database.DbEndpoint;
import io.tierlift.migrate.JournalStore;
import io.tierlift.migrate.Method;
import io.tierlift.migrate.MigrationException;
import io.tierlift.migrate.MigrationSettings;
import io.tierlift.migrate.Migrator;
import io.tierlift.migrate.NetworkPathCheck;
import io.tierlift.migrate.PgTools;
import io.tierlift.migrate.Redactor;
import io.tierlift.migrate.StepHook;
import io.tierlift.migrate.Journal;
import io.tierlift.migrate.TrafficSwitch;
import io.tierlift.model.AppDescriptor;
import io.tierlift.onprem.ssh.LocalForward;
import io.tierlift.provider.Progress;
import io.tierlift.provider.Target;
import io.tierlift.secret.LocalSecretResolver;
import io.tierlift.aws.tier.AwsSecretReferences;
import io.tierlift.tier.LazyMigrationTier;
import io.tierlift.tier.MigrationRequest;
import io.tierlift.tier.MigrationTier;
import io.tierlift.tier.Operation;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierFailure;
import io.tierlift.tier.TierScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "migrate", description = {"Move the running app and its data from one tier to another.",
        "Phases: preflight, provision, copy, verify, cutover; journaled, so --resume continues and --rollback undoes.",
        "The target tier is deployed, both databases are found from the descriptor (on-prem through an SSH tunnel),",
        "writes stop with each tier's maintenance page during the cutover, and the descriptor's dns record is moved",
        "(without a dns section the record changes are printed). The final verify compares both databases as they were",
        "at the cutover, after traffic moved; with reverse replication a --rollback then loses nothing."})
public final class MigrateCommand implements Callable<Integer> {
    private final Application app;

    @Option(names = "--from", required = true, converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target from;
    @Option(names = "--to", required = true, converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target to;
    @Mixin
    DescriptorOptions descriptor;
    @Option(names = "--method", paramLabel = "logical|dump", defaultValue = "logical",
            description = "logical (default): replication, online until cutover; dump: pg_dump/pg_restore, offline.")
    String method;
    @Option(names = "--resume", description = "Continue an interrupted migration from its journal.")
    boolean resume;
    @Option(names = "--rollback", description = "Undo a migration within its rollback window.")
    boolean rollback;
    @Option(names = "--finalize", description = "Keep the target: remove the publication, subscription and slot.")
    boolean finalizeMigration;
    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;
    @Option(names = "--source-db", paramLabel = "URL",
            description = "Source database instead of the source tier's own: postgresql://USER@HOST:PORT/DB?password_ref=$${env:NAME}")
    String sourceDb;
    @Option(names = "--target-db", paramLabel = "URL",
            description = "Target database instead of the target tier's own: postgresql://USER@HOST:PORT/DB?password_ref=$${env:NAME}")
    String targetDb;
    @Option(names = "--traffic", paramLabel = "auto|manual", defaultValue = "auto",
            description = {"auto (default): tierlift puts the tiers in maintenance and moves the dns record;",
                    "manual: each of those steps is printed and, on a terminal, waits for you to confirm it."})
    String traffic;
    @Option(names = "--no-provision", description = "Do not deploy the target tier: its database (or --target-db) must already exist.")
    boolean noProvision;
    @Option(names = "--verify-before-switch",
            description = "Run the final verify while writes are stopped, before traffic moves (longer downtime, grows with the data).")
    boolean verifyBeforeSwitch;
    @Option(names = "--no-reverse-replication",
            description = "Do not replicate the target's writes back to the source after the cutover (a --rollback then refuses once the target took writes).")
    boolean noReverseReplication;
    @Option(names = "--source-db-for-target", paramLabel = "URL",
            description = "How the target database server reaches the source for replication, when that differs from how tierlift reaches it (e.g. through a VPN rather than tierlift's SSH tunnel).")
    String sourceDbForTarget;
    @Option(names = "--target-db-for-source", paramLabel = "URL",
            description = "How the source database server reaches the target for reverse replication, when that differs from how tierlift reaches it (e.g. a private address on a VPN).")
    String targetDbForSource;
    @Option(names = "--jobs", paramLabel = "N", defaultValue = "2", description = "Parallel jobs for --method dump (default: ${DEFAULT-VALUE}).")
    int jobs;

    MigrateCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        app.tiers().require(from, Operation.MIGRATE);
        app.tiers().require(to, Operation.MIGRATE);
        int modes = (resume ? 1 : 0) + (rollback ? 1 : 0) + (finalizeMigration ? 1 : 0);
        if (modes > 1) {
            throw new UserException("--resume, --rollback and --finalize exclude each other", ExitCode.USAGE);
        }
        if (from == to) {
            throw new UserException("--from and --to are the same tier", ExitCode.USAGE);
        }
        Method chosen = switch (method) {
            case "logical" -> Method.LOGICAL;
            case "dump" -> Method.DUMP;
            default -> throw new UserException("--method must be logical or dump, not '" + method + "'", ExitCode.USAGE);
        };
        boolean manualTraffic = switch (traffic) {
            case "auto" -> false;
            case "manual" -> true;
            default -> throw new UserException("--traffic must be auto or manual, not '" + traffic + "'", ExitCode.USAGE);
        };
        Optional<DbEndpoint> sourceForTarget = Optional.ofNullable(sourceDbForTarget).map(url -> endpoint("--source-db-for-target", url));
        Optional<DbEndpoint> targetForSource = Optional.ofNullable(targetDbForSource).map(url -> endpoint("--target-db-for-source", url));
        Optional<DbEndpoint> sourceOverride = Optional.ofNullable(sourceDb).map(url -> endpoint("--source-db", url));
        Optional<DbEndpoint> targetOverride = Optional.ofNullable(targetDb).map(url -> endpoint("--target-db", url));
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        AppDescriptor described = loaded.descriptor();
        String appName = described.app();
        if (!yes && !resume && System.console() == null) {
            throw new UserException((rollback ? "--rollback stops writes on the " + to + " tier and sends traffic back to the " + from + " tier"
                    : finalizeMigration ? "--finalize removes the replication objects, after which --rollback is no longer possible"
                    : "migrate stops writes on the " + from + " tier during the cutover") + "; run with --yes to confirm");
        }
        PrintWriter out = app.console().out();
        Progress progress = new StderrProgress(app.console());
        // HOME from the application's environment, as the other commands read theirs: a test's map reaches it too.
        Path home = Optional.ofNullable(app.environment().get("HOME")).filter(h -> !h.isBlank()).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home")));
        Path journalFile = JournalStore.defaultPath(home, appName, from.key(), to.key());
        JournalStore store = new JournalStore(journalFile, Clock.systemUTC());
        Optional<Journal> open = store.read().filter(j -> !j.status().closed());
        boolean starting = !resume && !rollback && !finalizeMigration;
        String digest = DescriptorDigest.of(descriptor.file(), descriptor.environment());
        try (AwsSecretReferences awsSecrets = new AwsSecretReferences(app.environment());
             MigrationTier source = new LazyMigrationTier(from, () -> tier(from, described, digest, tunnelPort(open.map(j -> j.source()))));
             MigrationTier target = new LazyMigrationTier(to, () -> tier(to, described, digest, tunnelPort(open.map(j -> j.target()))))) {
            // The plan comes first: what moves where, before a tunnel opens or the target is deployed.
            out.println("Plan: migrate " + appName + " from " + from + " to " + to + " (" + chosen.key() + ")"
                    + (rollback ? ", rolling back" : finalizeMigration ? ", finalizing" : resume ? ", resuming" : ""));
            out.flush();
            DbEndpoint sourceDatabase = sourceOverride.orElseGet(source::database);
            if (starting && chosen == Method.LOGICAL) {
                // Checked before the target is deployed: a path that cannot open refuses with nothing changed.
                DbEndpoint seen = sourceForTarget.orElse(sourceDatabase);
                progress.step("preflight", NetworkPathCheck.require(to.key(), seen, targetOverride.isPresent() ? Optional.empty()
                        : target.checkDatabasePathTo(seen.host(), seen.port())).describe());
            }
            if (starting && targetOverride.isEmpty() && !noProvision) {
                // The target's database address exists only once the tier is deployed; the plan's
                // provision step then finds it deployed.
                progress.step("provision", "deploying the " + to + " tier first: its database address is part of the plan");
                target.provision();
            }
            DbEndpoint targetDatabase = targetOverride.orElseGet(target::databaseAsTarget);
            // A target tier no outside server may subscribe to cannot replicate back: decided here, before the plan has the step.
            Optional<String> noReverse = noReverseReplication || chosen != Method.LOGICAL || targetOverride.isPresent()
                    ? Optional.empty() : target.reverseSubscriptionRefusal();
            noReverse.ifPresent(why -> progress.step("preflight", "warning: reverse replication: off: " + why
                    + ". Without it, --rollback after the cutover is refused as soon as the target has taken writes."));
            MigrationSettings settings;
            try {
                settings = new MigrationSettings(appName, from.key(), to.key(), sourceDatabase, targetDatabase, chosen, jobs,
                        MigrationSettings.DEBIAN_PG15_BIN, Path.of(System.getProperty("java.io.tmpdir")),
                        Duration.ofSeconds(60), Duration.ofHours(12), 250_000)
                        .withVerifyBeforeSwitch(verifyBeforeSwitch).withReverseReplication(!noReverseReplication && noReverse.isEmpty());
                if (sourceForTarget.isPresent()) {
                    settings = settings.withSourceSeenFromTarget(sourceForTarget.get());
                }
                if (targetForSource.isPresent()) {
                    settings = settings.withTargetSeenFromSource(targetForSource.get());
                }
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage(), ExitCode.USAGE);
            }
            Redactor redactor = new Redactor();
            // The same references as elsewhere, plus ${aws-sm:...}: the RDS master secret of an aws-iaas target.
            Connections connections = new Connections(new LocalSecretResolver(app.environment(), described.baseDir(),
                    awsSecrets), redactor);
            TierOperations provision = noProvision ? () -> progress.step("provision", "skipped (--no-provision): the "
                    + to + " tier's database is expected to exist") : target::provision;
            TrafficSwitch switches = manualTraffic ? new PrintedTrafficSwitch(from, to, out) : traffic(source, target, out);
            Migrator migrator = new Migrator(settings, connections, new PgTools(settings.pgBin(), connections), store,
                    provision, switches, progress, out, StepHook.none(), Clock.systemUTC(),
                    // The tier's host access reaches the tier's database, not one the operator named instead.
                    sourceOverride.isEmpty() ? source.databaseHostAccess() : Optional.empty());
            printPlan(out, settings, migrator, sourceOverride.isPresent(), targetOverride.isPresent());
            if ((starting || resume) && chosen == Method.LOGICAL && sourceOverride.isEmpty()) {
                source.logicalReplicationChange().ifPresent(change -> out.println("  source first     " + change));
                out.flush();
                source.allowLogicalReplication();
            }
            Migrator.Outcome outcome = rollback ? migrator.rollback()
                    : finalizeMigration ? migrator.finalizeMigration()
                    : resume ? migrator.resume() : migrator.start();
            out.println("Migration " + outcome.status().name().toLowerCase().replace('_', ' ') + ".");
            outcome.notes().forEach(n -> out.println("  " + n));
            out.flush();
            return ExitCode.OK;
        } catch (MigrationException | TierFailure e) {
            throw new UserException(e.getMessage(), ExitCode.FAILED);
        }
    }

    /** The plan before anything changes: what moves where, by which steps. */
    private void printPlan(PrintWriter out, MigrationSettings settings, Migrator migrator, boolean sourceGiven, boolean targetGiven) {
        out.println("  source database  " + settings.source() + (sourceGiven ? "  (--source-db)" : "  (" + from + " tier)"));
        out.println("  target database  " + settings.target() + (targetGiven ? "  (--target-db)" : "  (" + to + " tier)"));
        out.println("  steps            " + String.join(", ", migrator.steps().stream().map(s -> s.name()).toList()));
        out.flush();
    }

    /**
     * The tunnel port an open journal recorded for an endpoint on this machine's loopback: a resumed
     * run binds the same port, so the address in the journal and in the target's subscription holds.
     */
    private static int tunnelPort(Optional<String> journaled) {
        return journaled.flatMap(url -> {
            try {
                return Optional.of(DbEndpoint.parse(url));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }).filter(e -> e.host().equals(LocalForward.BIND_ADDRESS)).map(DbEndpoint::port).orElse(0);
    }

    /** The tier's migration port, opened through the registry for the descriptor and this machine's environment. */
    private MigrationTier tier(Target kind, AppDescriptor described, String digest, int tunnelPort) {
        try (Tier tier = app.tiers().open(kind, TierScope.of(described), Operation.MIGRATE)) {
            if (!tier.renderer().isDescribed(described)) {
                throw new UserException("the descriptor has no targets." + kind + " section", ExitCode.USAGE);
            }
            return tier.migration(new MigrationRequest(digest, tunnelPort));
        }
    }

    private static DbEndpoint endpoint(String option, String url) {
        try {
            return DbEndpoint.parse(url);
        } catch (IllegalArgumentException e) {
            throw new UserException(option + ": " + e.getMessage(), ExitCode.USAGE);
        }
    }

    /** Maintenance and traffic go to whichever tier the migration names: the source's or the target's. */
    private static TrafficSwitch traffic(MigrationTier source, MigrationTier target, PrintWriter out) {
        return new TrafficSwitch() {
            @Override
            public void maintenance(Side side, boolean on) {
                (side == Side.TARGET ? target : source).maintenance(on);
            }

            @Override
            public void switchTo(Side side) {
                (side == Side.TARGET ? target : source).takeTraffic(out);
            }
        };
    }
}

package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.TargetConverter;
import io.tierlift.cli.UserException;
import io.tierlift.cli.console.StderrProgress;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.migrate.Connections;
import io.tierlift.migrate.DbEndpoint;
import io.tierlift.migrate.JournalStore;
import io.tierlift.migrate.Method;
import io.tierlift.migrate.MigrationException;
import io.tierlift.migrate.MigrationSettings;
import io.tierlift.migrate.Migrator;
import io.tierlift.migrate.PgTools;
import io.tierlift.migrate.Redactor;
import io.tierlift.migrate.StepHook;
import io.tierlift.migrate.TierOperations;
import io.tierlift.migrate.TrafficSwitch;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

@Command(name = "migrate", description = {"Move the running app and its data from one tier to another.",
        "Phases: preflight, provision, copy, verify, cutover; journaled, so --resume continues and --rollback undoes.",
        "This version moves the database only between endpoints given with --source-db and --target-db;",
        "it neither deploys the target tier nor switches traffic: it prints what to do at those points."})
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
            description = "Source database: postgresql://USER@HOST:PORT/DB?password_ref=$${env:NAME}")
    String sourceDb;
    @Option(names = "--target-db", paramLabel = "URL",
            description = "Target database: postgresql://USER@HOST:PORT/DB?password_ref=$${env:NAME}")
    String targetDb;
    @Option(names = "--jobs", paramLabel = "N", defaultValue = "2", description = "Parallel jobs for --method dump (default: ${DEFAULT-VALUE}).")
    int jobs;

    MigrateCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
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
        if (sourceDb == null || targetDb == null) {
            throw new UserException("give both --source-db and --target-db: this version does not yet derive the database "
                    + "endpoints from the descriptor (nor reach them through SSH tunnels)", ExitCode.USAGE);
        }
        DbEndpoint source = endpoint("--source-db", sourceDb);
        DbEndpoint target = endpoint("--target-db", targetDb);
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        String appName = loaded.descriptor().app();
        if (!yes && !resume && System.console() == null) {
            throw new UserException("migrate stops writes on the " + from + " tier during the cutover; run with --yes to confirm");
        }
        PrintWriter out = app.console().out();
        out.println("Note: the target tier is not deployed and traffic is not switched by this version; at those steps "
                + "the instructions are printed, and you carry them out.");
        Redactor redactor = new Redactor();
        Connections connections = new Connections(app.secretsFor(loaded.descriptor()), redactor);
        MigrationSettings settings;
        try {
            settings = new MigrationSettings(appName, from.key(), to.key(), source, target, chosen, jobs,
                    MigrationSettings.DEBIAN_PG15_BIN, Path.of(System.getProperty("java.io.tmpdir")),
                    java.time.Duration.ofSeconds(60), java.time.Duration.ofHours(12), 250_000);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), ExitCode.USAGE);
        }
        Path journal = JournalStore.defaultPath(Path.of(System.getProperty("user.home")), appName, from.key(), to.key());
        Migrator migrator = new Migrator(settings, connections, new PgTools(settings.pgBin(), connections),
                new JournalStore(journal, Clock.systemUTC()), instructionsOnlyTier(out), printedSwitch(out),
                new StderrProgress(app.console()), out, StepHook.none(), Clock.systemUTC());
        try {
            Migrator.Outcome outcome = rollback ? migrator.rollback()
                    : finalizeMigration ? migrator.finalizeMigration()
                    : resume ? migrator.resume() : migrator.start();
            out.println("Migration " + outcome.status().name().toLowerCase().replace('_', ' ') + ".");
            outcome.notes().forEach(n -> out.println("  " + n));
            out.flush();
            return ExitCode.OK;
        } catch (MigrationException e) {
            throw new UserException(e.getMessage(), ExitCode.FAILED);
        }
    }

    private static DbEndpoint endpoint(String option, String url) {
        try {
            return DbEndpoint.parse(url);
        } catch (IllegalArgumentException e) {
            throw new UserException(option + ": " + e.getMessage(), ExitCode.USAGE);
        }
    }

    private TierOperations instructionsOnlyTier(PrintWriter out) {
        return () -> {
            out.println("provision: deploy the " + to + " tier yourself (tierlift deploy " + to + " -f "
                    + descriptor.file() + "); the migration expects its database empty and reachable at --target-db.");
            out.flush();
        };
    }

    private TrafficSwitch printedSwitch(PrintWriter out) {
        return new TrafficSwitch() {
            @Override
            public void maintenance(Side side, boolean on) {
                Target where = side == Side.TARGET ? to : from;
                out.println(on ? "maintenance: writes must stop now on the " + where + " tier. Put the app in maintenance (on-prem: "
                        + "create the nginx maintenance flag file on the proxy hosts)."
                        : "maintenance: the " + where + " tier may take writes again (remove the maintenance flag file).");
                waitForOperator(out);
            }

            @Override
            public void switchTo(Side side) {
                Target where = side == Side.TARGET ? to : from;
                out.println("switch: the descriptor manages no DNS here. Point the app's domain (and its clients) at the "
                        + where + " tier now; that tier's database is the one to use from this moment.");
                waitForOperator(out);
            }
        };
    }

    /** With a terminal the operator confirms each manual step; without one (--yes, CI) the steps are only printed. */
    private static void waitForOperator(PrintWriter out) {
        out.flush();
        java.io.Console console = System.console();
        if (console != null) {
            console.readLine("Press Enter when done: ");
        }
    }
}

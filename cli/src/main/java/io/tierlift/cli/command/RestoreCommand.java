package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.tier.Operation;
import io.tierlift.tier.RestoreOutcome;
import io.tierlift.tier.RestorePoint;
import io.tierlift.tier.RestorePreview;
import io.tierlift.tier.RestoreRequest;
import io.tierlift.tier.RestoreTarget;
import io.tierlift.tier.TierScope;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "restore", description = {"Bring the database back to a point in time or to a backup, or finalize the last restore.",
        "The restore's steps are shown first; run again with the same point to continue an interrupted one."})
public final class RestoreCommand implements Callable<Integer> {
    /** {@code --target}: lower-case constants so picocli accepts exactly new and in-place. */
    enum TargetOption {
        NEW("new"), IN_PLACE("in-place");

        private final String key;

        TargetOption(String key) {
            this.key = key;
        }

        @Override
        public String toString() {
            return key;
        }
    }

    /** Exactly one of these says what the command does. */
    static final class What {
        @Option(names = "--to-time", paramLabel = "TIME",
                description = "Keep every transaction committed before TIME and none after it (ISO-8601 with an offset, e.g. 2026-12-07T19:30:00Z).")
        String toTime;
        @Option(names = "--to-backup", paramLabel = "ID", description = "The database as it was when this backup (from backup list) finished.")
        String toBackup;
        @Option(names = "--finalize", description = "Remove the old cluster or instance the last restore kept, after which it cannot be gone back to.")
        boolean finalizeRestore;
    }

    private final Application app;
    @Mixin
    TargetArguments on;
    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;
    @Option(names = "--target", paramLabel = "WHERE", defaultValue = "new", converter = TargetOptionConverter.class,
            description = "new (default: a new cluster or instance beside the old one, kept until --finalize) or in-place (onprem: over the old cluster, the app in maintenance meanwhile).")
    TargetOption target;
    @Option(names = "--preview", description = "Show what the restore would do and change nothing.")
    boolean preview;
    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    RestoreCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        Operation[] asked = asked();
        on.refuseUnsupported(app, asked);
        LoadedDescriptor loaded = on.load(app);
        Path journal = RestoreRequest.defaultJournal(home(), loaded.descriptor().app(), on.target().key());
        PrintWriter out = app.console().out();
        if (what.finalizeRestore) {
            if (!yes && System.console() == null) {
                throw new UserException("--finalize removes what the last restore kept to go back to; run with --yes to confirm");
            }
            print(out, on.onTier(app, TierScope.of(loaded.descriptor()), asked, tier -> tier.finalizeRestore(journal)));
            return ExitCode.OK;
        }
        RestoreRequest request = new RestoreRequest(point(), target == TargetOption.IN_PLACE ? RestoreTarget.IN_PLACE : RestoreTarget.NEW, journal);
        RestoreOutcome outcome = on.onTier(app, TierScope.of(loaded.descriptor()), asked, tier -> {
            RestorePreview steps = tier.planRestore(request);
            print(out, request, steps);
            if (preview || !confirmed()) {
                return null;
            }
            return tier.restore(request);
        });
        if (outcome != null) {
            print(out, outcome);
        }
        return ExitCode.OK;
    }

    private Operation[] asked() {
        List<Operation> asked = new ArrayList<>();
        asked.add(what.finalizeRestore ? Operation.RESTORE_FINALIZE : Operation.RESTORE);
        if (!what.finalizeRestore && target == TargetOption.IN_PLACE) {
            asked.add(Operation.RESTORE_IN_PLACE);
        }
        return asked.toArray(Operation[]::new);
    }

    private RestorePoint point() {
        if (what.toBackup != null) {
            if (what.toBackup.isBlank()) {
                throw new UserException("--to-backup needs a backup id, as backup list shows it", ExitCode.USAGE);
            }
            return new RestorePoint.ToBackup(what.toBackup.strip());
        }
        try {
            return new RestorePoint.ToTime(OffsetDateTime.parse(what.toTime.strip()).toInstant());
        } catch (DateTimeParseException e) {
            throw new UserException("--to-time '" + what.toTime + "' is not a time with an offset, such as 2026-12-07T19:30:00Z or "
                    + "2026-12-07T20:30:00+01:00", ExitCode.USAGE);
        }
    }

    /** As deploy: a terminal is asked, and without one --yes is required. */
    private boolean confirmed() {
        if (yes) {
            return true;
        }
        java.io.Console terminal = System.console();
        if (terminal == null) {
            throw new UserException("the restore changes the database; run with --yes to confirm, or --preview to only see its steps");
        }
        String answer = terminal.readLine("Restore? Only 'yes' is accepted: ");
        return "yes".equals(answer == null ? "" : answer.strip());
    }

    private Path home() {
        // HOME from the application's environment, as migrate reads its journal's: a test's map reaches it too.
        return Optional.ofNullable(app.environment().get("HOME")).filter(h -> !h.isBlank()).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home")));
    }

    private void print(PrintWriter out, RestoreRequest request, RestorePreview steps) {
        out.println("Restore plan: " + on.target() + " to " + request.point().describe() + ", into a "
                + (request.target() == RestoreTarget.NEW ? "new" : "the existing (in place)") + " database"
                + (steps.resumes() ? ", continuing the unfinished restore" : ""));
        for (int i = 0; i < steps.actions().size(); i++) {
            out.println("  " + (i + 1) + ". " + steps.actions().get(i));
        }
        steps.warnings().forEach(w -> out.println("Warning: " + w));
        out.flush();
    }

    private void print(PrintWriter out, RestoreOutcome outcome) {
        outcome.done().forEach(line -> out.println("done: " + line));
        outcome.kept().ifPresent(kept -> out.println("Kept until restore --finalize: " + kept));
        out.println("Next: " + outcome.nextStep());
        out.flush();
    }

    /** Accepts new and in-place as written on the command line. */
    static final class TargetOptionConverter implements picocli.CommandLine.ITypeConverter<TargetOption> {
        @Override
        public TargetOption convert(String value) {
            return switch (value) {
                case "new" -> TargetOption.NEW;
                case "in-place" -> TargetOption.IN_PLACE;
                default -> throw new picocli.CommandLine.TypeConversionException("expected new or in-place, not '" + value + "'");
            };
        }
    }
}

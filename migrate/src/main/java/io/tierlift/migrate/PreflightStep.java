package io.tierlift.migrate;

import java.time.Duration;
import java.util.Optional;

/** The preflight step: checks both servers before anything changes, and again on every resume. */
final class PreflightStep {
    private static final long ASSUMED_BYTES_PER_SECOND = 50L * 1024 * 1024;
    private static final Duration LONG_TRANSACTION = Duration.ofMinutes(1);

    private final MigrationContext context;
    private final JournalKeeper journal;
    private final Sessions db;

    PreflightStep(MigrationContext context, JournalKeeper journal, Sessions db) {
        this.context = context;
        this.journal = journal;
        this.db = db;
    }

    void check() {
        MigrationSettings settings = context.settings();
        Journal j = journal.current();
        boolean resuming = j.done(Step.SCHEMA) || j.done(Step.RESTORE) || j.done(Step.DUMP);
        Sql source = db.source();
        Sql target = db.target();
        Preflight.Report report = new Preflight(ASSUMED_BYTES_PER_SECOND, LONG_TRANSACTION)
                .check(source, target, settings.method(),
                        resuming || !context.catalog().tables(target).isEmpty() && j.done(Step.PREFLIGHT),
                        j.slot(), settings.method() == Method.LOGICAL && settings.reverseReplication(),
                        context.sourceHost(), Optional.of(settings.targetForReverseSubscription()));
        report.findings().forEach(f -> context.progress().step(Phase.PREFLIGHT.key(), f.describe()));
        if (report.blocked()) {
            throw new MigrationException("preflight refused the migration:\n  " + String.join("\n  ",
                    report.blockers().stream().map(Preflight.Finding::describe).toList()));
        }
        // Decided once: a resumed run keeps what the first preflight found possible.
        if (!j.done(Step.PREFLIGHT)) {
            journal.change(current -> current.withReverseReplication(report.reverseReplication()));
        }
    }
}

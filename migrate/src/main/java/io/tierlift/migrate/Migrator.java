package io.tierlift.migrate;

import io.tierlift.provider.Progress;
import io.tierlift.tier.DatabaseHostAccess;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Moves an app's PostgreSQL data from one tier to another: preflight, provision, copy, verify,
 * cutover — each step journaled so a crash resumes where it stopped and a cutover can be undone.
 * Every step is safe to run twice: it checks what already exists before creating it.
 *
 * <p>With logical replication the write downtime does not grow with the data: the full comparison
 * runs before writes stop (while replication keeps the target current), and the state at the
 * cutover is pinned in a snapshot on each server and verified after traffic moved. Reverse
 * replication, set up inside the downtime, keeps the source receiving the target's writes so a
 * rollback after the switch loses nothing.
 */
public final class Migrator {
    /** What a finished run reports. */
    public record Outcome(Journal.Status status, Duration writeDowntime, long rowsVerified, List<String> notes) {
    }

    private final MigrationContext context;
    private final JournalStore store;
    private final TierOperations tier;
    private final PrintWriter planOut;
    private final StepHook hook;
    private final JournaledReplication journaledReplication;
    private final List<MigrationStep> steps;

    public Migrator(MigrationSettings settings, Connections connections, PgTools tools, JournalStore store, TierOperations tier,
                    TrafficSwitch traffic, Progress progress, PrintWriter planOut, StepHook hook, Clock clock) {
        this(settings, connections, tools, store, tier, traffic, progress, planOut, hook, clock, Optional.empty());
    }

    /**
     * @param sourceHost superuser access to the source's database host (on-prem: psql as postgres over SSH); with it the
     *                   reverse subscription is created there even though the migration connects as the app role
     */
    public Migrator(MigrationSettings settings, Connections connections, PgTools tools, JournalStore store, TierOperations tier,
                    TrafficSwitch traffic, Progress progress, PrintWriter planOut, StepHook hook, Clock clock,
                    Optional<DatabaseHostAccess> sourceHost) {
        this.context = new MigrationContext(settings, new Servers(settings, connections), tools, new Catalog(),
                new Replication(connections, clock), traffic, progress, clock, sourceHost, connections.redactor());
        this.store = store;
        this.tier = tier;
        this.planOut = planOut;
        this.hook = hook;
        this.journaledReplication = new JournaledReplication(context);
        this.steps = MigrationStep.stepsFor(settings);
    }

    public List<MigrationStep> steps() {
        return steps;
    }

    /** Starts a new migration; refuses while another one for the same app and tiers is open. */
    public Outcome start() {
        Optional<Journal> existing = store.read();
        if (existing.isPresent() && !existing.get().status().closed()) {
            Journal j = existing.get();
            boolean cut = j.status().cutOver();
            throw new MigrationException("a migration of " + j.app() + " from " + j.from() + " to " + j.to() + " is already "
                    + (cut ? "cut over" + (j.status() == Journal.Status.VERIFY_FAILED ? " (the verify after the switch failed)" : "")
                    : "in progress (last step: " + lastStep(j) + ")")
                    + " according to " + store.file() + "; run with --resume to continue it, --rollback to undo it"
                    + (cut ? " or --finalize to keep the target" : ""));
        }
        MigrationSettings settings = context.settings();
        Journal journal = store.write(Journal.begin(settings.app(), settings.from(), settings.to(), settings.method().key(),
                settings.source().toString(), settings.target().toString(), context.clock().instant()));
        return run(journal);
    }

    /**
     * Continues an interrupted migration from its last completed step. After the switch only the
     * verify is left to do; it then compares the servers as they are now (the cutover snapshots
     * died with the interrupted run).
     */
    public Outcome resume() {
        Journal journal = openJournal();
        boolean verifyPending = steps.stream().anyMatch(s -> s.step() == Step.FINAL_VERIFY) && !journal.finalVerifyPassed();
        if (journal.status().cutOver() && !verifyPending) {
            throw new MigrationException("the migration is already cut over; nothing to resume (use --finalize or --rollback)");
        }
        String method = context.settings().method().key();
        if (!journal.method().equals(method)) {
            throw new MigrationException("the journal records method " + journal.method() + ", not " + method
                    + "; resume with --method " + journal.method());
        }
        context.progress().step("migrate", "resuming after step " + lastStep(journal));
        journaledReplication.repoint(journal);
        return run(journal);
    }

    private Outcome run(Journal journal) {
        return new MigrationRun(context, steps, new JournalKeeper(store, journal), tier, hook, planOut).run();
    }

    /** Goes back to the source tier; see {@link Rollback} for when that is refused. */
    public Outcome rollback() {
        return new Rollback(context, store, journaledReplication).run(openJournal());
    }

    /** Keeps the target and removes what the migration left on both servers: subscriptions, slots, publications, both directions. */
    public Outcome finalizeMigration() {
        return new Finalize(context, store, journaledReplication).run(openJournal());
    }

    private Journal openJournal() {
        Journal journal = store.read().orElseThrow(() -> new MigrationException("no migration journal at " + store.file()
                + "; nothing to resume, roll back or finalize"));
        if (journal.status().closed()) {
            throw new MigrationException("the migration recorded in " + store.file() + " is already "
                    + journal.status().name().toLowerCase().replace('_', ' '));
        }
        MigrationSettings settings = context.settings();
        if (!journal.source().equals(settings.source().toString()) || !journal.target().equals(settings.target().toString())) {
            throw new MigrationException("the journal was written for " + journal.source() + " -> " + journal.target()
                    + ", not " + settings.source() + " -> " + settings.target() + "; give the same databases");
        }
        return journal;
    }

    static String lastStep(Journal journal) {
        return journal.lastStep().map(Step::journalName).orElse("none");
    }
}

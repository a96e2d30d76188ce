package io.tierlift.migrate;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One run through a migration's steps, started or resumed: each step not yet journaled as done (or
 * one that must run again on resume) runs and is journaled, phase by phase.
 */
final class MigrationRun {
    private final MigrationContext context;
    private final List<MigrationStep> plan;
    private final JournalKeeper journal;
    private final TierOperations tier;
    private final StepHook hook;
    private final PrintWriter planOut;
    private final Sessions sessions;
    private final CutoverSnapshots snapshots;
    private final PreflightStep preflight;
    private final SchemaCopy schemaCopy;
    private final LogicalCopy logicalCopy;
    private final DumpCopy dumpCopy;
    private final Verification verification;
    private final Cutover cutover;

    MigrationRun(MigrationContext context, List<MigrationStep> plan, JournalKeeper journal, TierOperations tier, StepHook hook,
                 PrintWriter planOut) {
        this.context = context;
        this.plan = plan;
        this.journal = journal;
        this.tier = tier;
        this.hook = hook;
        this.planOut = planOut;
        this.sessions = new Sessions(context.servers());
        this.snapshots = new CutoverSnapshots(context.servers());
        this.preflight = new PreflightStep(context, journal, sessions);
        this.schemaCopy = new SchemaCopy(context, sessions);
        this.logicalCopy = new LogicalCopy(context, journal, sessions);
        this.dumpCopy = new DumpCopy(context, journal);
        this.verification = new Verification(context, journal, sessions, snapshots);
        this.cutover = new Cutover(context, journal, sessions, snapshots);
    }

    Migrator.Outcome run() {
        Phase phase = null;
        try (snapshots; sessions) {
            for (MigrationStep planned : plan) {
                Step step = planned.step();
                if (step.phase() != phase) {
                    phase = step.phase();
                    showPhase(phase);
                }
                if (journal.current().done(step) && !step.rerunOnResume(journal.current())) {
                    continue;
                }
                hook.beforeStep(step);
                context.progress().step(phase.key(), planned.summary());
                step.run(this);
                journal.record(j -> j.completed(step));
            }
        }
        return outcome(journal.current());
    }

    private Migrator.Outcome outcome(Journal done) {
        Duration downtime = Duration.ofMillis(done.downtimeMillis() == null ? 0 : done.downtimeMillis());
        List<String> notes = new ArrayList<>();
        notes.add("write downtime " + downtime.toMillis() + " ms (maintenance on at " + done.maintenanceOnAt()
                + ", traffic on the target at " + done.switchedAt() + ")");
        if (done.reverseSubscription() != null) {
            notes.add("reverse replication sends every write the target takes back to the source: --rollback returns to it without "
                    + "losing a write; --finalize removes the replication in both directions");
        } else {
            notes.add("the source is kept intact for a rollback window: --rollback to go back, --finalize to remove "
                    + "the publication, subscription and slot");
        }
        notes.forEach(n -> context.progress().step("migrate", n));
        return new Migrator.Outcome(done.status(), downtime, verification.lastVerifiedRows(), notes);
    }

    private void showPhase(Phase phase) {
        List<MigrationStep> inPhase = plan.stream().filter(s -> s.phase() == phase).toList();
        planOut.println("== phase " + phase.key() + " ==");
        planOut.print(new MigrationPlanView().render(context.settings(), inPhase, journal.current(), context.clock().instant()));
        planOut.flush();
    }

    /** Whether this migration takes the step (the steps depend on the method and the cutover options). */
    boolean plans(Step step) {
        return plan.stream().anyMatch(s -> s.step() == step);
    }

    TierOperations tier() {
        return tier;
    }

    CutoverSnapshots snapshots() {
        return snapshots;
    }

    PreflightStep preflight() {
        return preflight;
    }

    SchemaCopy schemaCopy() {
        return schemaCopy;
    }

    LogicalCopy logicalCopy() {
        return logicalCopy;
    }

    DumpCopy dumpCopy() {
        return dumpCopy;
    }

    Verification verification() {
        return verification;
    }

    Cutover cutover() {
        return cutover;
    }
}

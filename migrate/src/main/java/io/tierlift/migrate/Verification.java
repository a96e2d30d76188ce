package io.tierlift.migrate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verify steps: the full comparison while writes continue, the strict one while they are
 * stopped, and the one of the pinned cutover state after the switch.
 */
final class Verification {
    private static final String SCOPE = Phase.VERIFY.key();
    /** Re-checks of differing key ranges while writes continue, before calling a difference lasting. */
    private static final int ONLINE_RECHECKS = 5;
    /** How long one re-check waits for the follower to catch up; a stuck follower then shows as a lasting difference. */
    private static final Duration RECHECK_CATCH_UP = Duration.ofSeconds(10);

    private final MigrationContext context;
    private final JournalKeeper journal;
    private final Sessions db;
    private final CutoverSnapshots snapshots;
    private long lastVerifiedRows;

    Verification(MigrationContext context, JournalKeeper journal, Sessions db, CutoverSnapshots snapshots) {
        this.context = context;
        this.journal = journal;
        this.db = db;
        this.snapshots = snapshots;
    }

    /** Rows the last comparison of this run covered (0 when none ran). */
    long lastVerifiedRows() {
        return lastVerifiedRows;
    }

    /**
     * The full comparison, done before writes stop so its length does not count as downtime.
     * Ranges that differ because of writes in flight are re-checked after the target caught up; a
     * difference that stays stops the migration here, while the source still takes writes.
     */
    void whileWritesContinue() {
        Sql source = db.source();
        Sql target = db.target();
        List<TableRef> tables = context.catalog().tables(source);
        String slot = journal.current().slot();
        OnlineVerify.Result result = new OnlineVerify(context.verifier(), ONLINE_RECHECKS)
                .run(source, target, tables, () -> context.replication().catchUp(source, slot, RECHECK_CATCH_UP));
        if (result.lastingDifference()) {
            throw new MigrationException("the verify before the cutover found differences that stay while the subscription is "
                    + "caught up:\n  " + describe(result.lasting())
                    + "\nNothing was stopped: the " + context.settings().from() + " tier still takes writes. Compare those rows on both "
                    + "servers (a write on the target outside the migration, a trigger on the target, an apply error in the target's "
                    + "log); then --resume verifies again, or --rollback removes the replication.");
        }
        Verifier.Report first = result.first();
        context.progress().step(SCOPE, tables.size() + " tables, " + first.rows() + " rows compared while writes continue (source "
                + first.sourceMillis() + " ms, target " + first.targetMillis() + " ms, side by side); "
                + first.mismatches().size() + " ranges changed under writes and were re-checked " + result.rechecks() + " times"
                + (result.busy().isEmpty() ? "" : "; still changing, left to the verify of the cutover state: " + where(result.busy())));
    }

    /** Strict cutover and the dump method: the full verify while writes are stopped, before traffic moves. */
    void whileWritesStopped() {
        Sql source = db.source();
        Sql target = db.target();
        Verifier verifier = context.verifier();
        List<TableRef> tables = context.catalog().tables(source);
        Verifier.Report report = verifier.compare(source, target, tables);
        // Right after the drain an apply can still be committing: look again briefly before calling it a mismatch.
        for (int attempt = 0; !report.matches() && attempt < 3 && context.settings().method() == Method.LOGICAL; attempt++) {
            Pause.millis(300);
            report = verifier.compare(source, target, tables);
        }
        if (!report.matches()) {
            throw new MigrationException("verification found differences between source and target:\n  " + describe(report.mismatches()));
        }
        rememberTargetAtCutover(report);
        context.progress().step(SCOPE, tables.size() + " tables, " + report.rows() + " rows: counts and checksums match (source "
                + report.sourceMillis() + " ms, target " + report.targetMillis() + " ms)");
    }

    /** The verify of the cutover state, pinned before the switch; when an interrupted run lost it, the servers as they are now. */
    void afterSwitch() {
        Sql source = db.source();
        Sql target = db.target();
        if (!snapshots.pinned()) {
            afterTheFact(source, target);
            return;
        }
        List<TableRef> tables = context.catalog().tables(snapshots.source());
        Verifier.Report report = context.verifier().compare(snapshots.source(), snapshots.target(), tables);
        snapshots.close();
        rememberTargetAtCutover(report);
        if (!report.matches()) {
            failAfterSwitch(report.mismatches(), "its data at the cutover differs from the source's in:");
        }
        journal.change(Journal::withFinalVerifyPassed);
        context.progress().step(SCOPE, tables.size() + " tables, " + report.rows() + " rows at the cutover: counts and checksums "
                + "match (source " + report.sourceMillis() + " ms, target " + report.targetMillis() + " ms, side by side)");
    }

    /**
     * A run interrupted between the switch and the verify: the cutover snapshots are gone, and the
     * target has taken writes since. With reverse replication the source follows the target, so a
     * difference that stays once the source caught up is real; without it, every write since the
     * switch is a difference the message has to explain.
     */
    private void afterTheFact(Sql source, Sql target) {
        Journal j = journal.current();
        List<TableRef> tables = context.catalog().tables(source);
        boolean following = j.reverseSubscription() != null
                && source.number("SELECT count(*) FROM pg_subscription WHERE subname = ? AND subenabled", j.reverseSubscription()) > 0;
        String since = "the switch at " + j.switchedAt();
        if (following) {
            OnlineVerify.Result result = new OnlineVerify(context.verifier(), ONLINE_RECHECKS)
                    .run(source, target, tables, () -> context.replication().catchUp(target, j.reverseSlot(), RECHECK_CATCH_UP));
            if (result.lastingDifference()) {
                failAfterSwitch(result.lasting(), "the state at the cutover is no longer available (the run that switched "
                        + "was interrupted), so the servers were compared as they are now, with the source caught up on the target's "
                        + "writes through reverse replication. These ranges still differ, which writes since " + since
                        + " cannot explain:");
            }
            lastVerifiedRows = result.first().rows();
            journal.change(Journal::verifiedAfterAll);
            context.progress().step(SCOPE, tables.size() + " tables, " + lastVerifiedRows + " rows compared as they are now (the "
                    + "cutover state died with the interrupted run); the source follows the target through reverse replication and "
                    + "matches it" + (result.busy().isEmpty() ? "" : ", except ranges still changing under writes: " + where(result.busy())));
            return;
        }
        Verifier.Report report = context.verifier().compare(source, target, tables);
        lastVerifiedRows = report.rows();
        if (!report.matches()) {
            failAfterSwitch(report.mismatches(), "the state at the cutover is no longer available (the run that switched was "
                    + "interrupted) and no reverse replication brings the target's writes to the source, so the servers were compared "
                    + "as they are now. Rows the app wrote to the target since " + since + " show up as differences here (more rows, "
                    + "or changed rows, on the target); a range the app has not written to since then is a real difference:");
        }
        journal.change(Journal::verifiedAfterAll);
        context.progress().step(SCOPE, tables.size() + " tables, " + report.rows() + " rows compared as they are now: counts and "
                + "checksums match");
    }

    private void rememberTargetAtCutover(Verifier.Report report) {
        Map<String, String> fingerprints = new LinkedHashMap<>();
        report.target().forEach((table, digest) -> fingerprints.put(table, digest.fingerprint()));
        journal.change(j -> j.withTargetAtCutover(fingerprints));
        lastVerifiedRows = report.rows();
    }

    private void failAfterSwitch(List<Verifier.Mismatch> mismatches, String what) {
        journal.record(j -> j.withFinalVerifyFailed(mismatches.stream().map(Verifier.Mismatch::where).toList()));
        MigrationSettings settings = context.settings();
        String back = journal.current().reverseSubscription() != null
                ? "Reverse replication is running: every write the " + settings.to() + " tier takes also reaches the source, which "
                + "kept its own rows. --rollback goes back to the " + settings.from() + " tier without losing a write (it stops writes "
                + "on the target, waits until the source has them all, copies the sequences, compares and switches back)."
                : "Reverse replication is off: --rollback is refused once the target has taken writes. Repair the target from the "
                + "source's rows in these ranges, or roll back before the app writes.";
        throw new VerificationFailedException("verification failed after the switch: traffic is on the " + settings.to()
                + " tier, and " + what + "\n  " + describe(mismatches) + "\n" + back, mismatches);
    }

    static String describe(List<Verifier.Mismatch> mismatches) {
        return String.join("\n  ", mismatches.stream().map(Verifier.Mismatch::describe).toList());
    }

    static String where(List<Verifier.Mismatch> mismatches) {
        return String.join(", ", mismatches.stream().map(Verifier.Mismatch::where).toList());
    }
}

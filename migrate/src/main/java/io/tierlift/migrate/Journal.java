package io.tierlift.migrate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a migration has done so far, written after every step so that a crash can be resumed and
 * a cutover rolled back. Holds names and references only: endpoints carry secret references,
 * never passwords. Each change returns a new journal; the component names are the journal file's
 * field names, so a journal an earlier version wrote still reads.
 *
 * @param targetAtCutover       per-table content fingerprints of the target when traffic moved to it: rollback compares against them
 * @param reverseReplication    decided by the preflight: whether the cutover sets up target-to-source replication
 *                              (the roles and settings allow it)
 * @param reverseSlot           the slot on the target that the source's reverse subscription reads from
 * @param finalVerify           outcome of the verify of the cutover state: null until it ran, then "passed" or "failed"
 * @param finalVerifyMismatches the tables and key ranges that differed at the cutover ("schema.table [from, to)"),
 *                              when the final verify failed
 */
public record Journal(int formatVersion, String app, String from, String to, String method, String source, String target,
                      Status status, List<Step> completedSteps, String publication, String subscription, String slot,
                      String dumpDir, Instant startedAt, Instant maintenanceOnAt, Instant switchedAt, Long downtimeMillis,
                      Map<String, String> targetAtCutover, boolean reverseReplication, String reversePublication,
                      String reverseSubscription, String reverseSlot, String finalVerify, List<String> finalVerifyMismatches,
                      Instant updatedAt) {
    public static final int FORMAT_VERSION = 2;
    private static final String PASSED = "passed";
    private static final String FAILED = "failed";

    public enum Status {
        /** Steps are running or were interrupted; --resume continues, --rollback undoes. */
        OPEN,
        /** Traffic is on the target; the source is kept for the rollback window. */
        CUT_OVER,
        /** Traffic is on the target, but the verify after the switch found the target's cutover state differing from the source's. */
        VERIFY_FAILED,
        ROLLED_BACK,
        FINALIZED;

        public boolean closed() {
            return this == ROLLED_BACK || this == FINALIZED;
        }

        /** Traffic went to the target (whatever the verify after the switch said). */
        public boolean cutOver() {
            return this == CUT_OVER || this == VERIFY_FAILED;
        }
    }

    public Journal {
        status = status == null ? Status.OPEN : status;
        completedSteps = completedSteps == null ? List.of() : List.copyOf(completedSteps);
        targetAtCutover = targetAtCutover == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(targetAtCutover));
        finalVerifyMismatches = finalVerifyMismatches == null ? List.of() : List.copyOf(finalVerifyMismatches);
    }

    /** A new migration's journal: nothing done yet. */
    public static Journal begin(String app, String from, String to, String method, String source, String target, Instant startedAt) {
        return new Journal(FORMAT_VERSION, app, from, to, method, source, target, Status.OPEN, List.of(), null, null, null, null,
                startedAt, null, null, null, Map.of(), false, null, null, null, null, List.of(), null);
    }

    public boolean done(Step step) {
        return completedSteps.contains(step);
    }

    /** The step completed last; empty before the first. */
    public Optional<Step> lastStep() {
        return completedSteps.isEmpty() ? Optional.empty() : Optional.of(completedSteps.get(completedSteps.size() - 1));
    }

    public boolean finalVerifyPassed() {
        return PASSED.equals(finalVerify);
    }

    public Journal completed(Step step) {
        if (done(step)) {
            return this;
        }
        return change(d -> d.completedSteps.add(step));
    }

    public Journal withStatus(Status next) {
        return change(d -> d.status = next);
    }

    public Journal withReverseReplication(boolean decided) {
        return change(d -> d.reverseReplication = decided);
    }

    public Journal withPublication(String name) {
        return change(d -> d.publication = name);
    }

    /** The forward subscription and the slot it creates on the source, which carry the same name. */
    public Journal withSubscription(String name) {
        return change(d -> {
            d.subscription = name;
            d.slot = name;
        });
    }

    /** The reverse publication, subscription and slot, which all carry the same name. */
    public Journal withReverseReplicationNamed(String name) {
        return change(d -> {
            d.reversePublication = name;
            d.reverseSlot = name;
            d.reverseSubscription = name;
        });
    }

    public Journal withDumpDir(String dir) {
        return change(d -> d.dumpDir = dir);
    }

    /** Writes started to stop at this instant; a resumed cutover keeps the first instant, where the downtime began. */
    public Journal maintenanceStarted(Instant at) {
        return maintenanceOnAt != null ? this : change(d -> d.maintenanceOnAt = at);
    }

    /** Traffic moved to the target: the downtime ends here. */
    public Journal switched(Instant at) {
        return change(d -> {
            d.switchedAt = at;
            d.downtimeMillis = Duration.between(maintenanceOnAt, at).toMillis();
            d.status = Status.CUT_OVER;
        });
    }

    public Journal withTargetAtCutover(Map<String, String> fingerprints) {
        return change(d -> d.targetAtCutover = new LinkedHashMap<>(fingerprints));
    }

    public Journal withFinalVerifyPassed() {
        return change(d -> d.finalVerify = PASSED);
    }

    /** A resumed verify passed (the operator may have repaired what an earlier one found): the cutover stands verified. */
    public Journal verifiedAfterAll() {
        return change(d -> {
            d.finalVerify = PASSED;
            d.finalVerifyMismatches.clear();
            if (d.status == Status.VERIFY_FAILED) {
                d.status = Status.CUT_OVER;
            }
        });
    }

    public Journal withFinalVerifyFailed(List<String> where) {
        return change(d -> {
            d.status = Status.VERIFY_FAILED;
            d.finalVerify = FAILED;
            d.finalVerifyMismatches = new ArrayList<>(where);
        });
    }

    /** The journal as written at this instant. */
    public Journal writtenAt(Instant at) {
        return change(d -> d.updatedAt = at);
    }

    private Journal change(java.util.function.Consumer<Draft> edit) {
        Draft draft = new Draft(this);
        edit.accept(draft);
        return draft.journal();
    }

    /** The components of a journal being changed; only {@link #change} sees one. */
    private static final class Draft {
        private final int formatVersion;
        private final String app;
        private final String from;
        private final String to;
        private final String method;
        private final String source;
        private final String target;
        private Status status;
        private final List<Step> completedSteps;
        private String publication;
        private String subscription;
        private String slot;
        private String dumpDir;
        private final Instant startedAt;
        private Instant maintenanceOnAt;
        private Instant switchedAt;
        private Long downtimeMillis;
        private Map<String, String> targetAtCutover;
        private boolean reverseReplication;
        private String reversePublication;
        private String reverseSubscription;
        private String reverseSlot;
        private String finalVerify;
        private List<String> finalVerifyMismatches;
        private Instant updatedAt;

        private Draft(Journal j) {
            formatVersion = j.formatVersion;
            app = j.app;
            from = j.from;
            to = j.to;
            method = j.method;
            source = j.source;
            target = j.target;
            status = j.status;
            completedSteps = new ArrayList<>(j.completedSteps);
            publication = j.publication;
            subscription = j.subscription;
            slot = j.slot;
            dumpDir = j.dumpDir;
            startedAt = j.startedAt;
            maintenanceOnAt = j.maintenanceOnAt;
            switchedAt = j.switchedAt;
            downtimeMillis = j.downtimeMillis;
            targetAtCutover = j.targetAtCutover;
            reverseReplication = j.reverseReplication;
            reversePublication = j.reversePublication;
            reverseSubscription = j.reverseSubscription;
            reverseSlot = j.reverseSlot;
            finalVerify = j.finalVerify;
            finalVerifyMismatches = new ArrayList<>(j.finalVerifyMismatches);
            updatedAt = j.updatedAt;
        }

        private Journal journal() {
            return new Journal(formatVersion, app, from, to, method, source, target, status, completedSteps, publication,
                    subscription, slot, dumpDir, startedAt, maintenanceOnAt, switchedAt, downtimeMillis, targetAtCutover,
                    reverseReplication, reversePublication, reverseSubscription, reverseSlot, finalVerify, finalVerifyMismatches,
                    updatedAt);
        }
    }
}

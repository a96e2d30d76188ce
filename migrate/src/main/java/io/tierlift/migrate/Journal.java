package io.tierlift.migrate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a migration has done so far, written after every step so that a crash can be resumed and
 * a cutover rolled back. Holds names and references only: endpoints carry secret references,
 * never passwords.
 */
public final class Journal {
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

    public int formatVersion = 2;
    public String app;
    public String from;
    public String to;
    public String method;
    public String source;
    public String target;
    public Status status = Status.OPEN;
    public List<String> completedSteps = new ArrayList<>();
    public String publication;
    public String subscription;
    public String slot;
    public String dumpDir;
    public Instant startedAt;
    public Instant maintenanceOnAt;
    public Instant switchedAt;
    public Long downtimeMillis;
    /** Per-table content fingerprints of the target when traffic moved to it: rollback compares against them. */
    public Map<String, String> targetAtCutover = new LinkedHashMap<>();
    /** Decided by the preflight: whether the cutover sets up target-to-source replication (the roles and settings allow it). */
    public boolean reverseReplication;
    public String reversePublication;
    public String reverseSubscription;
    /** The slot on the target that the source's reverse subscription reads from. */
    public String reverseSlot;
    /** Outcome of the verify of the cutover state: null until it ran, then "passed" or "failed". */
    public String finalVerify;
    /** The tables and key ranges that differed at the cutover ("schema.table [from, to)"), when the final verify failed. */
    public List<String> finalVerifyMismatches = new ArrayList<>();
    public Instant updatedAt;

    public boolean done(String step) {
        return completedSteps.contains(step);
    }

    public void complete(String step) {
        if (!completedSteps.contains(step)) {
            completedSteps.add(step);
        }
    }
}

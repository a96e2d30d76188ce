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
        ROLLED_BACK,
        FINALIZED;

        public boolean closed() {
            return this == ROLLED_BACK || this == FINALIZED;
        }
    }

    public int formatVersion = 1;
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
    public String reversePublication;
    public String reverseSubscription;
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

package io.tierlift.onprem.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An on-prem restore as its journal file records it: the point and target it was asked for, the
 * stamp that names its directories, the backup it starts from, and the steps completed so far (each
 * written as it completes). The directory it keeps is named once the old cluster was moved aside.
 */
public record RestoreJournal(String point, String target, String stamp, String backupId, List<RestoreStep> completed,
                            Optional<String> kept) {
    public RestoreJournal {
        completed = List.copyOf(completed);
        kept = kept == null ? Optional.empty() : kept;
    }

    static RestoreJournal start(String point, String target, String stamp, String backupId) {
        return new RestoreJournal(point, target, stamp, backupId, List.of(), Optional.empty());
    }

    RestoreJournal completing(RestoreStep step) {
        List<RestoreStep> steps = new ArrayList<>(completed);
        steps.add(step);
        return new RestoreJournal(point, target, stamp, backupId, steps, kept);
    }

    RestoreJournal keeping(String directory) {
        return new RestoreJournal(point, target, stamp, backupId, completed, Optional.of(directory));
    }

    boolean done(RestoreStep step) {
        return completed.contains(step);
    }

    boolean same(String otherPoint, String otherTarget) {
        return point.equals(otherPoint) && target.equals(otherTarget);
    }

    boolean complete(List<RestoreStep> steps) {
        return completed.containsAll(steps);
    }

    /** How the operator recognises this restore in a refusal. */
    String describe() {
        return "the restore to " + point + " (" + target + ", started " + stamp + ")";
    }
}

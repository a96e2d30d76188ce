package io.tierlift.tier;

import java.util.List;

/**
 * What a restore will do, step by step, before anything changes, and what to know first (for
 * example, that the writes after the point are set aside). {@code resumes} is true when an
 * unfinished restore to the same point continues.
 */
public record RestorePreview(List<String> actions, List<String> warnings, boolean resumes) {
    public RestorePreview {
        actions = List.copyOf(actions);
        warnings = List.copyOf(warnings);
    }
}

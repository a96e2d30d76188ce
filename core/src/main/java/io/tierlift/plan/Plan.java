package io.tierlift.plan;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The same plan shape for SSH hosts and AWS stacks. {@code fingerprints} record the live state
 * the plan was made against (file checksums, stack ids and timestamps): a saved plan is refused
 * at deploy time when they no longer match.
 */
public record Plan(int formatVersion, String app, String environment, String target, String descriptorDigest,
                   Instant createdAt, List<PlannedChange> changes, Map<String, String> fingerprints) {
    public static final int FORMAT_VERSION = 1;

    public Plan {
        changes = List.copyOf(changes);
        fingerprints = Map.copyOf(fingerprints);
    }

    public boolean hasChanges() {
        return changes.stream().anyMatch(c -> c.action().isChange());
    }

    /** This plan with {@code change} listed first (a step made before the others, such as a build). */
    public Plan withFirst(PlannedChange change) {
        List<PlannedChange> all = new java.util.ArrayList<>();
        all.add(change);
        all.addAll(changes);
        return new Plan(formatVersion, app, environment, target, descriptorDigest, createdAt, all, fingerprints);
    }

    public long count(Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }
}

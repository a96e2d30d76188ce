package io.tierlift.tier;

import java.util.List;

/**
 * The stacks a destroy deleted, in deletion order; tiers without stacks (on-prem) say what they did
 * in {@code summary} instead (hosts cleared, where the final dump went).
 */
public record DestroyOutcome(List<String> deleted, List<String> summary) {
    public DestroyOutcome {
        deleted = List.copyOf(deleted);
        summary = List.copyOf(summary);
    }

    public DestroyOutcome(List<String> deleted) {
        this(deleted, List.of());
    }
}

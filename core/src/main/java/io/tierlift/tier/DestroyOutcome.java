package io.tierlift.tier;

import java.util.List;

/** The stacks a destroy deleted, in deletion order. */
public record DestroyOutcome(List<String> deleted) {
    public DestroyOutcome {
        deleted = List.copyOf(deleted);
    }
}

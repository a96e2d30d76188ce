package io.tierlift.tier;

import java.util.List;
import java.util.Optional;

/**
 * After a restore step: what was done, what was kept to go back to (the old cluster or instance,
 * until {@code restore --finalize}), and what to do next.
 */
public record RestoreOutcome(List<String> done, Optional<String> kept, String nextStep) {
    public RestoreOutcome {
        done = List.copyOf(done);
    }
}

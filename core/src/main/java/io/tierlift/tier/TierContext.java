package io.tierlift.tier;

import io.tierlift.provider.Progress;

import java.time.Clock;
import java.util.Map;

/**
 * What every provider builds its tier from: the process environment as a map (tests pass their
 * own), where progress goes, and the clock.
 */
public record TierContext(Map<String, String> environment, Progress progress, Clock clock) {
    public TierContext {
        environment = Map.copyOf(environment);
    }
}

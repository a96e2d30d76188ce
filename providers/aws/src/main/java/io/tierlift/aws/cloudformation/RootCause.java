package io.tierlift.aws.cloudformation;

import java.util.List;
import java.util.Optional;

/**
 * Picks the event that explains a failed stack operation. When one resource fails, CloudFormation
 * cancels its siblings ("Resource creation cancelled") and then rolls back, so the last failure is
 * rarely the cause: the earliest real resource failure is. The stack's own failure event is the
 * fallback (it sometimes carries the only reason, e.g. a failed hook or a bad parameter).
 */
public final class RootCause {
    private static final List<String> CASCADE_REASONS = List.of("Resource creation cancelled", "Resource update cancelled");

    /** {@code events} in chronological order. */
    public Optional<StackEvent> find(List<StackEvent> events) {
        Optional<StackEvent> resourceFailure = events.stream()
                .filter(StackEvent::isFailure)
                .filter(e -> !e.isStackItself())
                .filter(e -> !isCascade(e))
                .findFirst();
        if (resourceFailure.isPresent()) {
            return resourceFailure;
        }
        return events.stream().filter(StackEvent::isFailure).filter(e -> !isCascade(e)).findFirst();
    }

    private static boolean isCascade(StackEvent event) {
        String reason = event.reason().orElse("");
        return CASCADE_REASONS.stream().anyMatch(reason::startsWith);
    }
}

package io.tierlift.aws.cloudformation;

import java.util.List;
import java.util.Optional;

/**
 * One resource of a change set. {@code scope} lists what changes (Properties, Metadata, Tags, ...);
 * {@code details} says which attribute and whether it forces recreation, one line each.
 */
public record ResourceChange(ChangeAction action, String logicalId, Optional<String> physicalId, String resourceType,
                             Replacement replacement, List<String> scope, List<String> details) {
    public ResourceChange {
        scope = List.copyOf(scope);
        details = List.copyOf(details);
    }
}

package io.tierlift.aws;

import io.tierlift.render.aws.StackSpec;

import java.util.Map;
import java.util.Optional;

/** The values a tier gives its stacks' deploy-time parameters (a looked-up prefix list, the key of an uploaded package). */
@FunctionalInterface
public interface DeployTimeValues {
    /**
     * The value named {@code name} for a parameter of {@code stack}, or empty when the tier cannot
     * produce it; {@code outputs} holds the outputs of the stacks before it, by stack key.
     */
    Optional<String> value(StackSpec stack, String name, Map<String, Map<String, String>> outputs);

    /** These values, and {@code other}'s for the names these cannot produce. */
    default DeployTimeValues or(DeployTimeValues other) {
        return (stack, name, outputs) -> value(stack, name, outputs).or(() -> other.value(stack, name, outputs));
    }
}

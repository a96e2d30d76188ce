package io.tierlift.tier;

import io.tierlift.provider.Target;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * A command asked a tier for an operation it does not declare. The message names the tiers that
 * do support it, so an operator (or a script reading the exit code, 64) knows it is a usage error
 * and where the operation exists.
 */
public final class UnsupportedOperationForTier extends RuntimeException {
    private final Target target;
    private final Operation operation;

    public UnsupportedOperationForTier(Target target, Operation operation, Set<Target> supportedBy) {
        super(message(target, operation, supportedBy));
        this.target = target;
        this.operation = operation;
    }

    public Target target() {
        return target;
    }

    public Operation operation() {
        return operation;
    }

    private static String message(Target target, Operation operation, Set<Target> supportedBy) {
        String supporters = supportedBy.stream().sorted().map(Target::key).collect(Collectors.joining(", "));
        return "'" + operation.usage() + "' is not supported by the " + target + " tier; "
                + (supportedBy.isEmpty() ? "no tier supports it yet" : "it is supported by: " + supporters);
    }
}

package io.tierlift.tier;

import io.tierlift.provider.Target;

import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one place that maps each target to its tier: commands look a tier up here and never switch on
 * {@link Target}. It also answers which tiers support an operation, for the refusals and the docs.
 */
public final class TierRegistry {
    private final Map<Target, TierFactory> factories;

    public TierRegistry(Collection<TierFactory> factories) {
        Map<Target, TierFactory> byTarget = new EnumMap<>(Target.class);
        for (TierFactory factory : factories) {
            if (byTarget.put(factory.target(), factory) != null) {
                throw new IllegalArgumentException("two tiers for " + factory.target());
            }
        }
        this.factories = Map.copyOf(byTarget);
    }

    public Set<Target> targets() {
        return factories.isEmpty() ? EnumSet.noneOf(Target.class) : EnumSet.copyOf(factories.keySet());
    }

    public Set<Operation> operations(Target target) {
        TierFactory factory = factories.get(target);
        return factory == null ? Set.of() : factory.operations();
    }

    public boolean supports(Target target, Operation operation) {
        return operations(target).contains(operation);
    }

    /** The tiers that declare {@code operation}, in {@link Target} order. */
    public Set<Target> supporting(Operation operation) {
        Set<Target> result = EnumSet.noneOf(Target.class);
        factories.forEach((target, factory) -> {
            if (factory.operations().contains(operation)) {
                result.add(target);
            }
        });
        return result;
    }

    /** Refuses, before anything is opened, every operation in {@code operations} the target lacks. */
    public void require(Target target, Operation... operations) {
        for (Operation operation : operations) {
            if (!supports(target, operation)) {
                throw new UnsupportedOperationForTier(target, operation, supporting(operation));
            }
        }
    }

    /** Opens the target's tier after checking it supports {@code operations}; close it when done. */
    public Tier open(Target target, TierScope scope, Operation... operations) {
        require(target, operations);
        TierFactory factory = factories.get(target);
        if (factory == null) {
            throw new UnsupportedOperationForTier(target, operations.length == 0 ? Operation.RENDER : operations[0], Set.of());
        }
        return factory.open(scope);
    }
}

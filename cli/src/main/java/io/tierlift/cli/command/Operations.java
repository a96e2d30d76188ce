package io.tierlift.cli.command;

import io.tierlift.tier.Operation;

import java.util.ArrayList;
import java.util.List;

/** The operations one command line asks of a tier: the verb, then one per option that only some tiers honour. */
final class Operations {
    private final List<Operation> asked = new ArrayList<>();

    Operations(Operation verb) {
        asked.add(verb);
    }

    Operations when(boolean given, Operation operation) {
        if (given) {
            asked.add(operation);
        }
        return this;
    }

    Operations and(List<Operation> operations) {
        asked.addAll(operations);
        return this;
    }

    Operation[] toArray() {
        return asked.toArray(Operation[]::new);
    }
}

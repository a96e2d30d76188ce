package io.tierlift.aws;

import io.tierlift.render.aws.StackSpec;

import java.util.Optional;

/**
 * The database inside a stack whose own deletion protection makes CloudFormation's delete of that
 * stack fail (after minutes, leaving it DELETE_FAILED), so destroy looks for it before deleting.
 */
@FunctionalInterface
public interface DatabaseProtection {
    /** The database in {@code stack} that has deletion protection on, if there is one. */
    Optional<ProtectedDatabase> find(StackSpec stack);

    /** For tiers whose stacks hold no database with a protection of its own outside the template. */
    static DatabaseProtection none() {
        return stack -> Optional.empty();
    }

    /**
     * @param name    how the operator knows it ("RDS instance notes-db")
     * @param turnOff turns the protection off and returns once AWS shows it off
     */
    record ProtectedDatabase(String name, Runnable turnOff) {
    }
}

package io.tierlift.tier;

import io.tierlift.plan.Plan;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code deploy}. {@code confirmation} is asked with the plan before anything changes; empty means
 * the operator already agreed ({@code --yes}) and no plan needs to be shown.
 */
public record DeployRequest(String digest, Optional<Plan> savedPlan, boolean rollback, boolean breakLock,
                            boolean acceptNewHostKeys, Optional<Confirmation> confirmation) {
    public DeployRequest {
        Objects.requireNonNull(savedPlan);
        Objects.requireNonNull(confirmation);
    }

    /** A plain deploy without questions: what a migration's provision step runs. */
    public static DeployRequest unattended(String digest) {
        return new DeployRequest(digest, Optional.empty(), false, false, false, Optional.empty());
    }

    /** Shows the plan to the operator; true means go ahead. */
    @FunctionalInterface
    public interface Confirmation {
        boolean approve(Plan plan);
    }
}

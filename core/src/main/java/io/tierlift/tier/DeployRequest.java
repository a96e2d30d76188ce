package io.tierlift.tier;

import io.tierlift.plan.Plan;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

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

    /**
     * Asks the operator with the plan {@code plan} computes (only when there is someone to ask), and
     * stops the deploy before anything changes when the answer is no.
     */
    public void confirmOrCancel(Supplier<Plan> plan) {
        if (confirmation.isPresent() && !confirmation.get().approve(plan.get())) {
            throw new TierFailure("deploy cancelled; nothing was changed");
        }
    }

    /** Shows the plan to the operator; true means go ahead. */
    @FunctionalInterface
    public interface Confirmation {
        boolean approve(Plan plan);
    }
}

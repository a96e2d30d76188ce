package io.tierlift.tier;

import io.tierlift.plan.Plan;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code deploy}. {@code confirmation} is asked with the plan before anything changes; empty means
 * the operator already agreed ({@code --yes}) and no plan needs to be shown. {@code refreshImage}
 * moves the instances to the newest machine image; {@code allowDatabaseReplacement} lets this one
 * deploy replace or delete the database. {@code rollback}, when present, asks for a rollback instead
 * of a deploy of the descriptor's code. {@code noBuild} takes the frontend's output folder as it is,
 * without checking its sources.
 */
public record DeployRequest(String digest, Optional<Plan> savedPlan, Optional<RollbackRequest> rollback, boolean breakLock,
                            boolean acceptNewHostKeys, boolean refreshImage, boolean allowDatabaseReplacement,
                            Optional<Confirmation> confirmation, boolean noBuild) {
    public DeployRequest {
        Objects.requireNonNull(savedPlan);
        Objects.requireNonNull(rollback);
        Objects.requireNonNull(confirmation);
    }

    /** A deploy that checks the frontend's sources and rebuilds it when they changed. */
    public DeployRequest(String digest, Optional<Plan> savedPlan, Optional<RollbackRequest> rollback, boolean breakLock,
                         boolean acceptNewHostKeys, boolean refreshImage, boolean allowDatabaseReplacement,
                         Optional<Confirmation> confirmation) {
        this(digest, savedPlan, rollback, breakLock, acceptNewHostKeys, refreshImage, allowDatabaseReplacement, confirmation, false);
    }

    /** A deploy that asks neither for a new image nor to replace the database. */
    public DeployRequest(String digest, Optional<Plan> savedPlan, Optional<RollbackRequest> rollback, boolean breakLock,
                         boolean acceptNewHostKeys, Optional<Confirmation> confirmation) {
        this(digest, savedPlan, rollback, breakLock, acceptNewHostKeys, false, false, confirmation);
    }

    /** A plain deploy without questions: what a migration's provision step runs. */
    public static DeployRequest unattended(String digest) {
        return new DeployRequest(digest, Optional.empty(), Optional.empty(), false, false, Optional.empty());
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

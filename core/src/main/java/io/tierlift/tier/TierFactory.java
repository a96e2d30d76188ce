package io.tierlift.tier;

import io.tierlift.provider.Target;

import java.util.Set;

/**
 * How one provider makes its tier. {@link #operations()} is known without opening anything (the docs
 * and the CLI's checks read it); {@link #open(TierContext)} builds the tier's collaborators, which
 * still open their clients (SSH, AWS) only when a verb needs them.
 */
public interface TierFactory {
    Target target();

    Set<Operation> operations();

    Tier open(TierContext context);
}

package io.tierlift.tier;

import io.tierlift.provider.Target;

import java.util.Set;

/**
 * How one provider makes its tier. {@link #operations()} is known without opening anything (the docs
 * and the CLI's checks read it); {@link #open(TierScope)} builds the tier for one descriptor, whose
 * clients (SSH, AWS) still open only when a verb needs them. A factory is built by the composition
 * root from its provider's context ({@link TierContext} plus the parts tests replace).
 */
public interface TierFactory {
    Target target();

    Set<Operation> operations();

    Tier open(TierScope scope);
}

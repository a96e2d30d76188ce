package io.tierlift.aws.cloudformation;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether one deploy may replace or delete the resources a stack policy keeps (the databases), and
 * the command-line flag an operator gives for it, named in refusals; empty when the tier has none.
 */
public record ReplacementConsent(boolean given, Optional<String> flag) {
    /** Refused, with no flag to name. */
    public static final ReplacementConsent NONE = new ReplacementConsent(false, Optional.empty());

    public ReplacementConsent {
        Objects.requireNonNull(flag);
        if (given && flag.isEmpty()) {
            throw new IllegalArgumentException("consent is given on purpose, by a flag");
        }
    }

    /** Consent asked by {@code flag}: given when the operator passed it. */
    public static ReplacementConsent by(String flag, boolean given) {
        return new ReplacementConsent(given, Optional.of(flag));
    }
}

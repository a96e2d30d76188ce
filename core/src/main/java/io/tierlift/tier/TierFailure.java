package io.tierlift.tier;

/**
 * A tier's operation failed for a reason the operator can act on (a host or a cloud refused, a
 * stack is missing, a check did not pass). The message is the operator's sentence; the CLI prints
 * it and exits 1. Providers turn their own and their SDKs' exceptions into this one.
 */
public class TierFailure extends RuntimeException {
    public TierFailure(String message) {
        super(message);
    }

    public TierFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

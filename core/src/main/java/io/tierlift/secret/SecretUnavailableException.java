package io.tierlift.secret;

/** A reference that cannot be resolved. The message names the reference, never a value. */
public class SecretUnavailableException extends RuntimeException {
    public SecretUnavailableException(SecretRef ref, String why) {
        super("secret " + ref + " is not available: " + why);
    }
}

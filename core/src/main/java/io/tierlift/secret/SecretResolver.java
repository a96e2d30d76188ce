package io.tierlift.secret;

/**
 * Reads the value behind a reference. Implementations are replaceable so tests can plant canary
 * values and so AWS Secrets Manager is only contacted when a deploy really needs it.
 */
public interface SecretResolver {
    SecretValue resolve(SecretRef ref);
}

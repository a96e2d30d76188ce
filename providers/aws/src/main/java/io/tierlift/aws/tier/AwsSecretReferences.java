package io.tierlift.aws.tier;

import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.client.AwsSettings;
import io.tierlift.aws.secretsmanager.SecretsManagerResolver;
import io.tierlift.secret.SecretRef;
import io.tierlift.secret.SecretValue;

import java.util.Map;
import java.util.function.Function;

/**
 * Reads {@code ${aws-sm:...}} references (such as an AWS tier's RDS master secret) through Secrets
 * Manager clients made from the environment, on first use; close it to release them.
 */
public final class AwsSecretReferences implements Function<SecretRef, SecretValue>, AutoCloseable {
    private final AwsClients clients;
    private final SecretsManagerResolver resolver;

    public AwsSecretReferences(Map<String, String> environment) {
        this.clients = new AwsClients(AwsSettings.fromEnvironment(environment, null, null), environment::get);
        this.resolver = new SecretsManagerResolver(clients::secretsManager, null);
    }

    @Override
    public SecretValue apply(SecretRef ref) {
        return AwsFailures.call(() -> resolver.apply(ref));
    }

    @Override
    public void close() {
        clients.close();
    }
}

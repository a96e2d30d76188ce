package io.tierlift.aws.secretsmanager;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

import java.util.function.Function;

/**
 * PutSecretValue, skipped when the current version already holds the same JSON: every new version
 * is kept by Secrets Manager, and an unchanged deploy should change nothing.
 */
public final class SecretsManagerAppSecretWriter implements AppSecretWriter {
    private final Function<String, SecretsManagerClient> secrets;

    public SecretsManagerAppSecretWriter(Function<String, SecretsManagerClient> secrets) {
        this.secrets = secrets;
    }

    @Override
    public boolean write(String region, String secretArn, String json) {
        SecretsManagerClient client = secrets.apply(region);
        try {
            if (json.equals(client.getSecretValue(b -> b.secretId(secretArn)).secretString())) {
                return false;
            }
        } catch (ResourceNotFoundException e) {
            // a secret with no value yet: the first write below
        }
        client.putSecretValue(b -> b.secretId(secretArn).secretString(json));
        return true;
    }
}

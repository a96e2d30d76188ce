package io.tierlift.aws.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.secret.SecretRef;
import io.tierlift.secret.SecretUnavailableException;
import io.tierlift.secret.SecretValue;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.util.function.Function;

/**
 * Reads {@code ${aws-sm:ARN}} references for database connections. A secret RDS manages holds
 * JSON with {@code username} and {@code password}; its password is the value. A plain-text secret
 * is the value as it is. Errors name the reference, never the secret's content.
 */
public final class SecretsManagerPasswords implements Function<SecretRef, SecretValue> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Secrets Manager clients by region (null: the default region). */
    private final Function<String, SecretsManagerClient> clients;

    public SecretsManagerPasswords(Function<String, SecretsManagerClient> clients) {
        this.clients = clients;
    }

    @Override
    public SecretValue apply(SecretRef ref) {
        if (ref.kind() != SecretRef.Kind.AWS_SM) {
            throw new SecretUnavailableException(ref, "not an AWS Secrets Manager reference");
        }
        String id = ref.locator();
        String text;
        try {
            text = clients.apply(regionOf(id)).getSecretValue(r -> r.secretId(id)).secretString();
        } catch (SdkException e) {
            throw new SecretUnavailableException(ref, "AWS Secrets Manager: " + e.getClass().getSimpleName());
        }
        if (text == null) {
            throw new SecretUnavailableException(ref, "the secret has no string value");
        }
        if (!text.stripLeading().startsWith("{")) {
            return new SecretValue(ref, text);
        }
        try {
            JsonNode password = JSON.readTree(text).get("password");
            if (password == null || !password.isTextual()) {
                throw new SecretUnavailableException(ref, "the secret is JSON without a \"password\" string");
            }
            return new SecretValue(ref, password.asText());
        } catch (IOException e) {
            // Jackson's message quotes the input: keep it out.
            throw new SecretUnavailableException(ref, "the secret starts like JSON but does not parse");
        }
    }

    /** The region inside an ARN (arn:aws:secretsmanager:REGION:...), or null for a plain name. */
    static String regionOf(String id) {
        String[] parts = id.split(":");
        return parts.length > 3 && parts[0].equals("arn") ? parts[3] : null;
    }
}

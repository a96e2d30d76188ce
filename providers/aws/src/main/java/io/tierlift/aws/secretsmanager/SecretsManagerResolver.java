package io.tierlift.aws.secretsmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.secret.SecretRef;
import io.tierlift.secret.SecretUnavailableException;
import io.tierlift.secret.SecretValue;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code ${aws-sm:ID}} references from Secrets Manager when a connection needs them. ID is
 * a secret's ARN (its region is taken from the ARN) or name (then {@code defaultRegion}).
 *
 * <p>A secret holding a JSON object with a "password" member yields that member: RDS keeps the
 * master password of a cluster it manages ({@code ManageMasterUserPassword}) as
 * {"username": ..., "password": ...}, and a database connection wants the password alone. Any
 * other secret yields its whole string. Failures name the reference and the reason, never a value.
 */
public final class SecretsManagerResolver implements Function<SecretRef, SecretValue> {
    private static final Pattern ARN_REGION = Pattern.compile("^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):");

    private final Function<String, SecretsManagerClient> clients;
    private final String defaultRegion;
    private final ObjectMapper mapper = new ObjectMapper();

    public SecretsManagerResolver(Function<String, SecretsManagerClient> clients, String defaultRegion) {
        this.clients = clients;
        this.defaultRegion = defaultRegion;
    }

    @Override
    public SecretValue apply(SecretRef ref) {
        if (ref.kind() != SecretRef.Kind.AWS_SM) {
            throw new IllegalArgumentException("not a Secrets Manager reference: " + ref);
        }
        String text;
        try {
            text = clients.apply(region(ref.locator())).getSecretValue(b -> b.secretId(ref.locator())).secretString();
        } catch (SdkException e) {
            // The SDK's message names the secret and the error code; it never holds the value.
            throw new SecretUnavailableException(ref, "Secrets Manager: " + e.getMessage());
        }
        if (text == null) {
            throw new SecretUnavailableException(ref, "the secret holds binary data, not a string");
        }
        return new SecretValue(ref, passwordOf(text));
    }

    private String passwordOf(String text) {
        if (!text.stripLeading().startsWith("{")) {
            return text;
        }
        try {
            JsonNode password = mapper.readTree(text).get("password");
            return password != null && password.isTextual() ? password.asText() : text;
        } catch (IOException notJson) {
            return text;
        }
    }

    private String region(String locator) {
        Matcher m = ARN_REGION.matcher(locator);
        return m.find() ? m.group(1) : defaultRegion;
    }
}

package io.tierlift.render.onprem.firewall;

import io.tierlift.secret.SecretRef;
import io.tierlift.secret.SecretResolver;
import io.tierlift.secret.SecretUnavailableException;
import io.tierlift.secret.SecretValue;
import io.tierlift.secret.SecretView;

import java.util.Map;

/**
 * Resolves references (by locator) to planted canary values, so tests can check where a real
 * secret ends up and where it must never appear.
 */
public final class CanarySecrets implements SecretResolver {
    private final Map<String, String> values;

    public CanarySecrets(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    @Override
    public SecretValue resolve(SecretRef ref) {
        String value = values.get(ref.locator());
        if (value == null) {
            throw new SecretUnavailableException(ref, "no canary planted for it");
        }
        return new SecretValue(ref, value);
    }

    public SecretView view() {
        return SecretView.resolving(this);
    }

    public String value(String locator) {
        return values.get(locator);
    }
}

package io.tierlift.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Flask API. {@code env} holds the app's own variables; secret ones are references that are
 * resolved only when a file is placed on a host.
 */
public record Backend(String path, String wsgi, String python, String requirements, String health,
                      Optional<String> releaseCommand, int port, Optional<Integer> workers,
                      Duration timeout, Duration gracefulTimeout, Map<String, EnvValue> env) {
    public Backend {
        env = Map.copyOf(env);
    }

    /** The names of the variables whose values are secret references, sorted: what the AWS tiers keep in the app's secret. */
    public List<String> secretEnvNames() {
        return env.entrySet().stream().filter(e -> e.getValue() instanceof EnvValue.Secret).map(Map.Entry::getKey).sorted().toList();
    }

    public boolean hasSecretEnv() {
        return !secretEnvNames().isEmpty();
    }
}

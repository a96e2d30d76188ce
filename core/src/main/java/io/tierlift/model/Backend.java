package io.tierlift.model;

import java.time.Duration;
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
}

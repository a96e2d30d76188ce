package io.tierlift.model;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The Flask API. {@code env} holds the app's own variables; secret ones are references that are
 * resolved only when a file is placed on a host. {@code systemPackages} maps Debian packages to the
 * Python project each provides in place of a wheel (on-prem app hosts). {@code include} names files
 * or folders, relative to {@code path}, that releases carry although they look like secrets or are ignored.
 */
public record Backend(String path, String wsgi, String python, String requirements, String health,
                      Optional<String> releaseCommand, int port, Optional<Integer> workers,
                      Duration timeout, Duration gracefulTimeout, Map<String, EnvValue> env,
                      Map<String, String> systemPackages, List<String> include) {
    public Backend {
        env = Map.copyOf(env);
        systemPackages = Collections.unmodifiableMap(new TreeMap<>(systemPackages));
        include = List.copyOf(include);
    }

    /** Backends that include nothing the release rules would leave out or refuse. */
    public Backend(String path, String wsgi, String python, String requirements, String health,
                   Optional<String> releaseCommand, int port, Optional<Integer> workers,
                   Duration timeout, Duration gracefulTimeout, Map<String, EnvValue> env,
                   Map<String, String> systemPackages) {
        this(path, wsgi, python, requirements, health, releaseCommand, port, workers, timeout, gracefulTimeout, env, systemPackages,
                List.of());
    }

    /** Backends without Debian-provided projects (most descriptors, and tests). */
    public Backend(String path, String wsgi, String python, String requirements, String health,
                   Optional<String> releaseCommand, int port, Optional<Integer> workers,
                   Duration timeout, Duration gracefulTimeout, Map<String, EnvValue> env) {
        this(path, wsgi, python, requirements, health, releaseCommand, port, workers, timeout, gracefulTimeout, env, Map.of());
    }

    /**
     * The Python projects Debian packages provide, by normalised name (PEP 503: lower case, runs of
     * '-', '_' and '.' as one '-'), so "MarkupSafe" and "markupsafe" are the same project.
     */
    public Set<String> systemProvidedProjects() {
        return systemPackages.values().stream().map(Backend::normalisedProject).collect(Collectors.toCollection(TreeSet::new));
    }

    public static String normalisedProject(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    /** The names of the variables whose values are secret references, sorted: what the AWS tiers keep in the app's secret. */
    public List<String> secretEnvNames() {
        return env.entrySet().stream().filter(e -> e.getValue() instanceof EnvValue.Secret).map(Map.Entry::getKey).sorted().toList();
    }

    public boolean hasSecretEnv() {
        return !secretEnvNames().isEmpty();
    }
}

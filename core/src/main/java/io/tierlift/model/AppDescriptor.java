package io.tierlift.model;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The whole descriptor after loading, overlaying the chosen environment and validating.
 * {@code baseDir} is the descriptor's folder: relative paths in it are resolved from there.
 * {@code dns} is the record a migration switches between tiers, when the descriptor manages one.
 */
public record AppDescriptor(String app, String environment, Path baseDir, Frontend frontend, Backend backend,
                            Database database, Targets targets, Optional<DnsSettings> dns) {
    /** A descriptor without a managed DNS record (copies made by tests and by failover's view of the topology). */
    public AppDescriptor(String app, String environment, Path baseDir, Frontend frontend, Backend backend,
                         Database database, Targets targets) {
        this(app, environment, baseDir, frontend, backend, database, targets, Optional.empty());
    }
}

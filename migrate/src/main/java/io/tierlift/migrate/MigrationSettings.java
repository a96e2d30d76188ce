package io.tierlift.migrate;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one migration moves and how. {@code workDir} holds dump directories; {@code pgBin} the
 * PostgreSQL client programs (pg_dump, pg_restore, psql).
 */
public record MigrationSettings(String app, String from, String to, DbEndpoint source, DbEndpoint target, Method method,
                                int parallelism, Path pgBin, Path workDir, Duration drainTimeout, Duration copyTimeout,
                                long verifyChunkWidth) {
    public static final Path DEBIAN_PG15_BIN = Path.of("/usr/lib/postgresql/15/bin");

    public MigrationSettings {
        if (!app.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("app name '" + app + "' is not a lowercase name");
        }
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be 1..64");
        }
    }

    public static MigrationSettings defaults(String app, String from, String to, DbEndpoint source, DbEndpoint target, Method method, Path workDir) {
        return new MigrationSettings(app, from, to, source, target, method, 2, DEBIAN_PG15_BIN, workDir,
                Duration.ofSeconds(60), Duration.ofHours(12), 250_000);
    }

    /** Replication object names derived from the app, valid PostgreSQL identifiers and slot names. */
    public String replicationName() {
        return "tierlift_" + app.replace('-', '_');
    }
}

package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;
import io.tierlift.database.ReplicationName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What one migration moves and how. {@code workDir} holds dump directories; {@code pgBin} the
 * PostgreSQL client programs (pg_dump, pg_restore, psql).
 *
 * @param verifyBeforeSwitch   strict cutover: the full verify runs while writes are stopped, before traffic moves
 *                             (downtime grows with the data); otherwise the pinned cutover state is verified after the switch
 * @param reverseReplication   logical method: at the cutover the target publishes its changes back to the source,
 *                             so a rollback after the switch loses no write
 * @param sourceSeenFromTarget where the target's subscription reaches the source when that differs from where tierlift
 *                             reaches it (a tunnel, a private address); empty: the source endpoint
 * @param targetSeenFromSource where the source's reverse subscription reaches the target; empty: the target endpoint
 */
public record MigrationSettings(String app, String from, String to, DbEndpoint source, DbEndpoint target, Method method,
                                int parallelism, Path pgBin, Path workDir, Duration drainTimeout, Duration copyTimeout,
                                long verifyChunkWidth, boolean verifyBeforeSwitch, boolean reverseReplication,
                                Optional<DbEndpoint> sourceSeenFromTarget, Optional<DbEndpoint> targetSeenFromSource) {
    public static final Path DEBIAN_PG15_BIN = Path.of("/usr/lib/postgresql/15/bin");

    public MigrationSettings {
        if (!app.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("app name '" + app + "' is not a lowercase name");
        }
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be 1..64");
        }
    }

    /** The settings before the cutover options existed: verify after the switch, reverse replication on. */
    public MigrationSettings(String app, String from, String to, DbEndpoint source, DbEndpoint target, Method method,
                             int parallelism, Path pgBin, Path workDir, Duration drainTimeout, Duration copyTimeout,
                             long verifyChunkWidth) {
        this(app, from, to, source, target, method, parallelism, pgBin, workDir, drainTimeout, copyTimeout, verifyChunkWidth,
                false, true, Optional.empty(), Optional.empty());
    }

    public static MigrationSettings defaults(String app, String from, String to, DbEndpoint source, DbEndpoint target, Method method, Path workDir) {
        return new MigrationSettings(app, from, to, source, target, method, 2, DEBIAN_PG15_BIN, workDir,
                Duration.ofSeconds(60), Duration.ofHours(12), 250_000);
    }

    public MigrationSettings withVerifyBeforeSwitch(boolean strict) {
        return new MigrationSettings(app, from, to, source, target, method, parallelism, pgBin, workDir, drainTimeout, copyTimeout,
                verifyChunkWidth, strict, reverseReplication, sourceSeenFromTarget, targetSeenFromSource);
    }

    public MigrationSettings withReverseReplication(boolean reverse) {
        return new MigrationSettings(app, from, to, source, target, method, parallelism, pgBin, workDir, drainTimeout, copyTimeout,
                verifyChunkWidth, verifyBeforeSwitch, reverse, sourceSeenFromTarget, targetSeenFromSource);
    }

    public MigrationSettings withSourceSeenFromTarget(DbEndpoint seen) {
        return new MigrationSettings(app, from, to, source, target, method, parallelism, pgBin, workDir, drainTimeout, copyTimeout,
                verifyChunkWidth, verifyBeforeSwitch, reverseReplication, Optional.of(seen), targetSeenFromSource);
    }

    public MigrationSettings withTargetSeenFromSource(DbEndpoint seen) {
        return new MigrationSettings(app, from, to, source, target, method, parallelism, pgBin, workDir, drainTimeout, copyTimeout,
                verifyChunkWidth, verifyBeforeSwitch, reverseReplication, sourceSeenFromTarget, Optional.of(seen));
    }

    /** The source as the target's subscription connects to it. */
    public DbEndpoint sourceForSubscription() {
        return sourceSeenFromTarget.orElse(source);
    }

    /** The target as the source's reverse subscription connects to it. */
    public DbEndpoint targetForReverseSubscription() {
        return targetSeenFromSource.orElse(target);
    }

    /** Replication object names derived from the app, valid PostgreSQL identifiers and slot names. */
    public String replicationName() {
        return ReplicationName.derive("tierlift", app).value();
    }

    /** Names of the target-to-source replication set up at the cutover. */
    public String reverseReplicationName() {
        return ReplicationName.derive("tierlift", app).suffixed("reverse").value();
    }
}
